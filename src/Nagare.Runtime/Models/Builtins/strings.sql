{#- String helpers of the dbt namespace, written for DuckDB. -#}

{% macro concat(fields) -%}{{ return(adapter.dispatch('concat', 'dbt')(fields)) }}{%- endmacro %}
{% macro default__concat(fields) -%}{{ fields | join(' || ') }}{%- endmacro %}

{% macro hash(field) -%}{{ return(adapter.dispatch('hash', 'dbt')(field)) }}{%- endmacro %}
{% macro default__hash(field) -%}md5(cast({{ field }} as {{ api.Column.translate_type('string') }})){%- endmacro %}

{#- DuckDB lists are 1-based and accept negative positions (from the end), as split_part's part_number does. -#}
{% macro split_part(string_text, delimiter_text, part_number) -%}{{ return(adapter.dispatch('split_part', 'dbt')(string_text, delimiter_text, part_number)) }}{%- endmacro %}
{% macro default__split_part(string_text, delimiter_text, part_number) -%}string_split({{ string_text }}, {{ delimiter_text }})[{{ part_number }}]{%- endmacro %}

{% macro replace(field, old_chars, new_chars) -%}{{ return(adapter.dispatch('replace', 'dbt')(field, old_chars, new_chars)) }}{%- endmacro %}
{% macro default__replace(field, old_chars, new_chars) -%}replace({{ field }}, {{ old_chars }}, {{ new_chars }}){%- endmacro %}

{% macro position(substring_text, string_text) -%}{{ return(adapter.dispatch('position', 'dbt')(substring_text, string_text)) }}{%- endmacro %}
{% macro default__position(substring_text, string_text) -%}position({{ substring_text }} in {{ string_text }}){%- endmacro %}

{% macro length(expression) -%}{{ return(adapter.dispatch('length', 'dbt')(expression)) }}{%- endmacro %}
{% macro default__length(expression) -%}length({{ expression }}){%- endmacro %}

{% macro right(string_text, length_expression) -%}{{ return(adapter.dispatch('right', 'dbt')(string_text, length_expression)) }}{%- endmacro %}
{% macro default__right(string_text, length_expression) -%}right({{ string_text }}, {{ length_expression }}){%- endmacro %}

{% macro string_literal(value) -%}{{ return(adapter.dispatch('string_literal', 'dbt')(value)) }}{%- endmacro %}
{% macro default__string_literal(value) -%}'{{ value }}'{%- endmacro %}

{% macro escape_single_quotes(expression) -%}{{ return(adapter.dispatch('escape_single_quotes', 'dbt')(expression)) }}{%- endmacro %}
{% macro default__escape_single_quotes(expression) -%}{{ expression | replace("'", "''") }}{%- endmacro %}

{% macro equals(expr1, expr2) -%}{{ return(adapter.dispatch('equals', 'dbt')(expr1, expr2)) }}{%- endmacro %}
{% macro default__equals(expr1, expr2) -%}({{ expr1 }} = {{ expr2 }}){%- endmacro %}
