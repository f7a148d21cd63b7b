#!/usr/bin/env bash
# Benchmark 3: discovery of TABLES (100,000) tables in SCHEMAS (100) schemas: `nagare connection discover pg
# --json` (process start to exit) against psql running one catalog query that returns the same columns
# (the connector's own query: tables, columns, types, nullability, primary-key positions) to /dev/null.
# Prints Markdown.
#
#   bench/replication/discovery.sh                 TABLES=100000 SCHEMAS=100
#   TABLES=10000 RUNS=1 bench/replication/discovery.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
tables="${TABLES:-100000}"
schemas="${SCHEMAS:-100}"

build_nagare
start_pg
create_many_tables "$tables" "$schemas"

catalog_query="$(cat <<'SQL'
SELECT n.nspname, c.relname, c.reltuples::float8,
       a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
       bt.typname, bt.typtype::text,
       CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,
       et.typname, et.typtype::text,
       pg_catalog.array_position(i.indkey::int2[], a.attnum)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
LEFT JOIN pg_catalog.pg_type et ON bt.typcategory = 'A' AND et.oid = bt.typelem
LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_nagare') AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
ORDER BY n.nspname, c.relname, a.attnum
SQL
)"

project="$work/project"
make_project "$project" 4
results="$work/results.txt"
for ((i = 1; i <= runs; i++)); do
  log "round $i/$runs"
  echo "psql $(wall sh -c 'psql -qAt -c "$1" >/dev/null' _ "$catalog_query")" >>"$results"
  echo "nagare $(wall sh -c "dotnet '$root/.cache/bench-cli/nagare.dll' connection discover pg --json -p '$project' >'$work/discover.json'")" >>"$results"
done
found="$(jq 'if type == "array" then length else (.streams | length) end' "$work/discover.json" 2>/dev/null || echo "?")"
ref="$(awk '$1 == "psql" { print $2 }' "$results" | best)"
nag="$(awk '$1 == "nagare" { print $2 }' "$results" | best)"
echo
echo "Discovery of $(fmt_int "$tables") tables ($(fmt_int $((tables * 5))) columns) in $schemas schemas, best of $runs; $(machine)"
echo
echo "| implementation | streams | seconds | × psql |"
echo "| --- | ---: | ---: | ---: |"
printf '| psql -c "<catalog query>" > /dev/null | %s | %.2f | 1.00× |\n' "$(fmt_int "$tables")" "$ref"
printf '| nagare connection discover pg --json (whole process) | %s | %.2f | %.2f× |\n' "$found" "$nag" "$(echo "$nag / $ref" | bc -l)"
