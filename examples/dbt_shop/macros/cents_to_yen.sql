{% macro cents_to_yen(column_name, scale=2) -%}
    ({{ column_name }} / 100)::decimal(16, {{ scale }})
{%- endmacro %}
