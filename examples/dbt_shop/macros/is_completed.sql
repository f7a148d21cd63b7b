{# Orders that count as sold: shipped ones are paid too. #}
{% macro is_completed(status_column) -%}
    {{ status_column }} in ('completed', 'shipped')
{%- endmacro %}
