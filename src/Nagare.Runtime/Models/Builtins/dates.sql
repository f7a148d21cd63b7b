{#- Date and time helpers of the dbt namespace, written for DuckDB. Each public macro dispatches, so a project
    macro duckdb__<name> or default__<name> (or a dispatch search_order) replaces the body below. -#}

{% macro date_trunc(datepart, date) -%}
  {{ return(adapter.dispatch('date_trunc', 'dbt')(datepart, date)) }}
{%- endmacro %}

{% macro default__date_trunc(datepart, date) -%}
date_trunc('{{ datepart }}', {{ date }})
{%- endmacro %}

{% macro dateadd(datepart, interval, from_date_or_timestamp) -%}
  {{ return(adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp)) }}
{%- endmacro %}

{#- The amount may be an expression (a column, row_number() ...), so it multiplies a one-unit interval. DuckDB
    has no quarter or week unit in that position: they become 3 months and 7 days. -#}
{% macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
{%- set unit = datepart | lower -%}
{%- set factor, unit = {'quarter': (3, 'month'), 'week': (7, 'day')}.get(unit, (1, unit)) -%}
({{ from_date_or_timestamp }} + {% if factor != 1 %}{{ factor }} * {% endif %}cast({{ interval }} as bigint) * interval 1 {{ unit }})
{%- endmacro %}

{% macro datediff(first_date, second_date, datepart) -%}
  {{ return(adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart)) }}
{%- endmacro %}

{#- Weeks count the Sunday boundaries crossed (as other warehouses do): both ends are moved back to their
    Sunday and the days between divided by seven. -#}
{% macro default__datediff(first_date, second_date, datepart) -%}
{%- if datepart | lower == 'week' -%}
(date_diff('day', cast({{ first_date }} as date) - cast(dayofweek(cast({{ first_date }} as timestamp)) as integer), cast({{ second_date }} as date) - cast(dayofweek(cast({{ second_date }} as timestamp)) as integer)) // 7)
{%- else -%}
(date_diff('{{ datepart }}', cast({{ first_date }} as timestamp), cast({{ second_date }} as timestamp)))
{%- endif -%}
{%- endmacro %}

{% macro last_day(date, datepart) -%}
  {{ return(adapter.dispatch('last_day', 'dbt')(date, datepart)) }}
{%- endmacro %}

{% macro default__last_day(date, datepart) -%}
cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date)
{%- endmacro %}

{% macro date(year, month, day) -%}
  {{ return(adapter.dispatch('date', 'dbt')(year, month, day)) }}
{%- endmacro %}

{% macro default__date(year, month, day) -%}
make_date({{ year }}, {{ month }}, {{ day }})
{%- endmacro %}

{% macro current_timestamp() -%}
  {{ return(adapter.dispatch('current_timestamp', 'dbt')()) }}
{%- endmacro %}

{% macro default__current_timestamp() -%}
now()
{%- endmacro %}

{% macro current_timestamp_backcompat() -%}
  {{ return(adapter.dispatch('current_timestamp_backcompat', 'dbt')()) }}
{%- endmacro %}

{% macro default__current_timestamp_backcompat() -%}
cast(now() as timestamp)
{%- endmacro %}

{% macro current_timestamp_in_utc_backcompat() -%}
  {{ return(adapter.dispatch('current_timestamp_in_utc_backcompat', 'dbt')()) }}
{%- endmacro %}

{% macro default__current_timestamp_in_utc_backcompat() -%}
cast(now() at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro get_intervals_between(start_date, end_date, datepart) -%}
  {{ return(adapter.dispatch('get_intervals_between', 'dbt')(start_date, end_date, datepart)) }}
{%- endmacro %}

{#- The number of periods is needed as a literal, so it is asked from the warehouse; before execution (parse
    time) there is no answer and one period stands in. -#}
{% macro default__get_intervals_between(start_date, end_date, datepart) -%}
  {%- call statement('get_intervals_between', fetch_result=True) -%}
    select {{ dbt.datediff(start_date, end_date, datepart) }}
  {%- endcall -%}
  {%- set answer = load_result('get_intervals_between') -%}
  {%- if answer and answer['data'] -%}
    {{ return(answer['data'][0][0]) }}
  {%- else -%}
    {{ return(1) }}
  {%- endif -%}
{%- endmacro %}

{% macro date_spine(datepart, start_date, end_date) -%}
  {{ return(adapter.dispatch('date_spine', 'dbt')(datepart, start_date, end_date)) }}
{%- endmacro %}

{% macro default__date_spine(datepart, start_date, end_date) -%}
with numbers as (
    {{ dbt.generate_series(dbt.get_intervals_between(start_date, end_date, datepart)) }}
),
periods as (
    select {{ dbt.dateadd(datepart, 'generated_number - 1', start_date) }} as date_{{ datepart }}
    from numbers
)
select * from periods
where date_{{ datepart }} <= {{ end_date }}
{%- endmacro %}
