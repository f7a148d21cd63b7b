{#- Set operators, aggregates and arrays of the dbt namespace, written for DuckDB. -#}

{% macro except() -%}{{ return(adapter.dispatch('except', 'dbt')()) }}{%- endmacro %}
{% macro default__except() -%}except{%- endmacro %}

{% macro intersect() -%}{{ return(adapter.dispatch('intersect', 'dbt')()) }}{%- endmacro %}
{% macro default__intersect() -%}intersect{%- endmacro %}

{% macro bool_or(expression) -%}{{ return(adapter.dispatch('bool_or', 'dbt')(expression)) }}{%- endmacro %}
{% macro default__bool_or(expression) -%}bool_or({{ expression }}){%- endmacro %}

{% macro any_value(expression) -%}{{ return(adapter.dispatch('any_value', 'dbt')(expression)) }}{%- endmacro %}
{% macro default__any_value(expression) -%}arbitrary({{ expression }}){%- endmacro %}

{% macro listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) -%}
  {{ return(adapter.dispatch('listagg', 'dbt')(measure, delimiter_text, order_by_clause, limit_num)) }}
{%- endmacro %}

{#- With a limit, the ordered values are collected into a list, cut, and joined. -#}
{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
array_to_string((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], {{ delimiter_text }})
{%- else -%}
string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
{%- endif -%}
{%- endmacro %}

{% macro array_construct(inputs=[], data_type=api.Column.translate_type('integer')) -%}
  {{ return(adapter.dispatch('array_construct', 'dbt')(inputs, data_type)) }}
{%- endmacro %}
{% macro default__array_construct(inputs, data_type) -%}
{%- if inputs | length > 0 -%}[{{ inputs | join(', ') }}]{%- else -%}cast([] as {{ data_type }}[]){%- endif -%}
{%- endmacro %}

{% macro array_append(array, new_element) -%}{{ return(adapter.dispatch('array_append', 'dbt')(array, new_element)) }}{%- endmacro %}
{% macro default__array_append(array, new_element) -%}list_append({{ array }}, {{ new_element }}){%- endmacro %}

{% macro array_concat(array_1, array_2) -%}{{ return(adapter.dispatch('array_concat', 'dbt')(array_1, array_2)) }}{%- endmacro %}
{% macro default__array_concat(array_1, array_2) -%}list_concat({{ array_1 }}, {{ array_2 }}){%- endmacro %}
