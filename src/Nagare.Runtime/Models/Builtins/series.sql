{#- Number series of the dbt namespace, written for DuckDB. -#}

{% macro get_powers_of_two(upper_bound) -%}
  {{ return(adapter.dispatch('get_powers_of_two', 'dbt')(upper_bound)) }}
{%- endmacro %}

{#- The smallest n with 2^n >= upper_bound. -#}
{% macro default__get_powers_of_two(upper_bound) -%}
  {%- if upper_bound <= 0 -%}
    {{ exceptions.raise_compiler_error('get_powers_of_two: the upper bound must be positive, not ' ~ upper_bound) }}
  {%- endif -%}
  {%- for n in range(1, 100) -%}
    {%- if upper_bound <= 2 ** n -%}{{ return(n) }}{%- endif -%}
  {%- endfor -%}
{%- endmacro %}

{% macro generate_series(upper_bound) -%}
  {{ return(adapter.dispatch('generate_series', 'dbt')(upper_bound)) }}
{%- endmacro %}

{% macro default__generate_series(upper_bound) -%}
select generate_series as generated_number from generate_series(1, {{ upper_bound }})
{%- endmacro %}
