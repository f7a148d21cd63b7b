// Generates a 5,000-model project (4 layers, ref fan-in, macros, folder and in-file configs, YAML tests)
// for the compile benchmark. Usage: node generate.mjs DIR [MODELS]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const total = Number(process.argv[3] ?? 5000);
if (!dir) {
  console.error("usage: node generate.mjs DIR [MODELS]");
  process.exit(2);
}

// Deterministic pseudo-random numbers so every run measures the same project.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (n) => Math.floor(rand() * n);

const layers = [
  ["lake", Math.round(total * 0.4)],
  ["dwh", Math.round(total * 0.3)],
  ["mart", Math.round(total * 0.2)],
  ["report", total - Math.round(total * 0.4) - Math.round(total * 0.3) - Math.round(total * 0.2)],
];

const write = (path, text) => {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), text);
};

write("nagare.yml", `name: bench
warehouse: bench.duckdb
models:
  paths: [models]
  config:
    lake: { +materialized: view, +tags: [lake] }
    dwh: { +materialized: table, +tags: [dwh] }
    mart: { +materialized: table }
    report: { +materialized: view, +tags: [report] }
vars:
  tz: Asia/Tokyo
  min_date: "2020-01-01"
targets:
  dev: { schema_prefix: dev_ }
  prod: {}
`);

write("macros/cleaning.sql", `{% macro clean_string(col) -%}
nullif(trim({{ col }}), '')
{%- endmacro %}

{% macro to_local(col) -%}
({{ col }} at time zone 'UTC') at time zone '{{ var("tz") }}'
{%- endmacro %}

{% macro cents(col, scale=2) -%}
round({{ col }} / 100.0, {{ scale }})
{%- endmacro %}
`);
write("macros/dedup.sql", `{% macro dedup(relation, keys, order_by) -%}
select * from (
    select *, row_number() over (partition by {{ keys | join(', ') }} order by {{ order_by }} desc) as _rn
    from {{ relation }}
) where _rn = 1
{%- endmacro %}

{% macro sum_columns(columns) -%}
{% for c in columns %}sum({{ c }}) as {{ c }}_total{{ "," if not loop.last }}
{% endfor %}
{%- endmacro %}
`);

const names = {};
const sources = [];
for (const [layer, count] of layers) {
  names[layer] = [];
  for (let i = 0; i < count; i++) {
    const domain = `d${i % 20}`;
    const name = `${layer}_${domain}_${String(i).padStart(5, "0")}`;
    names[layer].push([domain, name]);
  }
}

for (const [domain, name] of names.lake) {
  sources.push(name);
  write(`models/lake/${domain}/${name}.sql`, `select
    id,
    {{ clean_string('name') }} as name,
    {{ clean_string('status') }} as status,
    {{ to_local('created_at') }} as created_at,
    {{ cents('amount_cents') }} as amount,
    updated_at
from {{ source('app', '${name}') }}
where created_at >= '{{ var("min_date") }}'
`);
}

write("models/lake/sources.yml", `version: 2
sources:
  - name: app
    schema: raw_app
    tables:
${sources.map((s) => `      - name: ${s}`).join("\n")}
`);

const refs = (layer, n) => {
  const pool = names[layer];
  const chosen = new Set();
  while (chosen.size < Math.min(n, pool.length)) chosen.add(pool[pick(pool.length)][1]);
  return [...chosen];
};

const tests = [];
for (const [domain, name] of names.dwh) {
  const parents = refs("lake", 1 + pick(3));
  const incremental = pick(4) === 0;
  write(`models/dwh/${domain}/${name}.sql`, `${incremental ? "{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge') }}\n" : ""}with unioned as (
{% for p in ${JSON.stringify(parents).replaceAll('"', "'")} %}
    select id, name, status, created_at, amount, updated_at, '{{ p }}' as _source from {{ ref(p) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
),
deduped as (
    {{ dedup('unioned', ['id', '_source'], 'updated_at') }}
)
select * exclude (_rn) from deduped
{% if is_incremental() %}where updated_at > (select max(updated_at) from {{ this }}){% endif %}
`);
  tests.push(`  - name: ${name}
    description: Cleansed ${domain} records.
    columns:
      - name: id
        data_tests: [not_null]
      - name: status
        data_tests:
          - accepted_values:
              values: [new, paid, shipped, cancelled]`);
}
write("models/dwh/schema.yml", `version: 2\nmodels:\n${tests.join("\n")}\n`);

for (const [domain, name] of names.mart) {
  const parents = refs("dwh", 2 + pick(3));
  write(`models/mart/${domain}/${name}.sql`, `{{ config(tags=['mart', '${domain}']) }}
{%- set parents = ${JSON.stringify(parents).replaceAll('"', "'")} %}
select
    date_trunc('day', created_at) as day,
    status,
    count(*) as orders,
    {{ sum_columns(['amount']) }}
from (
{%- for p in parents %}
    select created_at, status, amount from {{ ref(p) }}{{ " union all" if not loop.last }}
{%- endfor %}
)
group by all
`);
}

for (const [domain, name] of names.report) {
  const parents = refs("mart", 3 + pick(4));
  write(`models/report/${domain}/${name}.sql`, `select day, sum(orders) as orders, sum(amount_total) as amount
from (
{%- for p in ${JSON.stringify(parents).replaceAll('"', "'")} %}
    select day, orders, amount_total from {{ ref(p) }}{{ " union all" if not loop.last }}
{%- endfor %}
)
group by day
`);
}

console.log(`generated ${total} models and ${names.dwh.length * 2} tests in ${dir}`);
