#!/usr/bin/env bash
# Benchmark 2: TABLES (10,000) tables × ROWS (100) rows in SCHEMAS (10) schemas, PostgreSQL → DuckDB in one
# `nagare sync` (every table a stream, full refresh, THREADS streams at once) against
# `pg_dump --data-only` of the same schemas to /dev/null, then the same sync again into the now existing
# tables (the nightly case), the same tables fanned into one warehouse table (`into: many_all`, a `_source`
# column naming each row's table; with the sync process's CPU time per table and peak memory), and DuckDB
# working alone (bench/node/many-tables-floor.mjs: the same tables created and filled with generated rows by
# SQL in a new file, no source read: what DuckDB itself spends). Reports the
# median per-table time from the sync's --json per-stream seconds and extrapolates to 3 million tables at the
# measured rate. Prints Markdown.
#
#   bench/replication/many-tables.sh                  TABLES=10000 ROWS=100 SCHEMAS=10 THREADS=4
#   TABLES=1000 RUNS=1 bench/replication/many-tables.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
many_tables_settings

build_nagare
"$root/scripts/bootstrap" --bench >&2
block_size="${BLOCK_SIZE:-65536}"
start_pg
log "creating $tables tables × $rows rows in $schemas schemas"
for ((s = 1; s <= schemas; s++)); do
  sql -c "CREATE SCHEMA s$s"
  fill_tables "s$s." "$per_schema" "$rows"
done
sql -c "VACUUM ANALYZE" >/dev/null

project="$work/project"
make_project "$project" "$threads"
make_sync "$project" many pg warehouse "s*.t*" full_refresh 'naming: "{schema}_{table}"'
make_sync "$project" many_into pg warehouse "s*.t*" full_refresh "    into: many_all"
results="$work/results.txt"
# The DuckDB-alone row needs DuckDB's Node.js binding in bench/node (bench/duckdb.sh's `npm install`); without it
# that row is left out and the rest still runs.
floor=1
if ! (cd "$root/bench/node" && node -e "import('@duckdb/node-api').catch(() => process.exit(1))" 2>/dev/null); then
  floor=0
  log "DuckDB's Node.js binding is not installed in bench/node (npm install there): the DuckDB-alone row is left out"
fi
dump_schemas=()
for ((s = 1; s <= schemas; s++)); do dump_schemas+=(-n "s$s"); done
for ((i = 1; i <= runs; i++)); do
  log "round $i/$runs"
  echo "pg_dump $(wall pg_dump --data-only "${dump_schemas[@]}" -f /dev/null)" >>"$results"
  if ((floor)); then
    rm -f "$work/alone.duckdb" "$work/alone.duckdb.wal"
    echo "alone $(wall node "$root/bench/node/many-tables-floor.mjs" "$work/alone.duckdb" "$tables" "$rows" "$schemas" "$block_size" 1)" >>"$results"
    rm -f "$work/alone.duckdb" "$work/alone.duckdb.wal"
  fi
  rm -f "$project/warehouse.duckdb" "$project/warehouse.duckdb.wal"
  echo "nagare $(wall run_sync "$project" many "$work/sync-$i.json")" >>"$results"
  # The nightly case: the same sync again, every table now replaced through staging and swap.
  echo "again $(wall run_sync "$project" many "$work/again-$i.json")" >>"$results"
  # Fan-in: every table into one, in a new warehouse file (the sync process's CPU and peak memory measured).
  rm -f "$project/warehouse.duckdb" "$project/warehouse.duckdb.wal"
  echo "into $(measure_sync "$project" many_into "$work/into-$i.json")" >>"$results"
  jq -r '.streams[].seconds' "$work/sync-$i.json" | sort -g | awk '{ a[NR] = $1 } END { print "median", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }' >>"$results"
  echo "streams $(jq '[.streams[] | select(.status == "succeeded")] | length' "$work/sync-$i.json")" >>"$results"
done

dump="$(awk '$1 == "pg_dump" { print $2 }' "$results" | best)"
nag="$(awk '$1 == "nagare" { print $2 }' "$results" | best)"
alone=""
if ((floor)); then alone="$(awk '$1 == "alone" { print $2 }' "$results" | best)"; fi
again="$(awk '$1 == "again" { print $2 }' "$results" | best)"
median="$(awk '$1 == "median" { print $2 }' "$results" | best)"
done_streams="$(awk '$1 == "streams" { print $2 }' "$results" | sort -g | tail -1)"
read -r into into_cpu into_server into_rss < <(awk '$1 == "into"' "$results" | sort -g -k2 | head -1 | cut -d' ' -f2-)
hours="$(echo "$nag / $tables * 3000000 / 3600" | bc -l)"
echo
echo "$(fmt_int "$tables") tables × $rows rows in $schemas schemas, best of $runs; $(machine)"
echo
echo "| implementation | seconds | tables/s | × pg_dump time |"
echo "| --- | ---: | ---: | ---: |"
printf '| pg_dump --data-only (%s schemas) > /dev/null | %.1f | %.0f | 1.00× |\n' "$schemas" "$dump" "$(echo "$tables / $dump" | bc -l)"
if ((floor)); then
  printf '| DuckDB alone: the same tables created and filled by SQL, no source (%s-byte blocks) | %.1f | %.0f | %.2f× |\n' "$block_size" "$alone" "$(echo "$tables / $alone" | bc -l)" "$(echo "$alone / $dump" | bc -l)"
fi
printf '| %s (→ warehouse, %s threads, %s streams succeeded) | %.1f | %.0f | %.2f× |\n' "$(sync_command many)" "$threads" "$done_streams" "$nag" "$(echo "$tables / $nag" | bc -l)" "$(echo "$nag / $dump" | bc -l)"
printf '| %s again (tables exist: each replaced) | %.1f | %.0f | %.2f× |\n' "$(sync_command many)" "$again" "$(echo "$tables / $again" | bc -l)" "$(echo "$again / $dump" | bc -l)"
printf '| %s (→ one warehouse table with into:) | %.1f | %.0f | %.2f× |\n' "$(sync_command many_into)" "$into" "$(echo "$tables / $into" | bc -l)" "$(echo "$into / $dump" | bc -l)"
echo
printf 'Fan-in with into: CPU s of the sync process %s (%.2f ms per table), of PostgreSQL %s; peak RSS %s MB.\n' \
  "$into_cpu" "$(echo "$into_cpu / $tables * 1000" | bc -l)" "$into_server" "$into_rss"
echo
printf 'Median per-stream seconds (from --json; a small stream'"'"'s includes the wait for its group commit): %.1f ms; wall time per table (sync wall / tables): %.1f ms; 3,000,000 tables at this rate and parallelism: %.1f hours.\n' \
  "$(echo "$median * 1000" | bc -l)" "$(echo "$nag / $tables * 1000" | bc -l)" "$hours"
