#!/usr/bin/env bash
# Benchmark: one sync over SHARDS (4) PostgreSQL databases of TABLES (25,000) same-named tables × ROWS (100) rows
# each, i.e. SHARDS × TABLES source tables, into the warehouse: every table name becomes one warehouse table filled
# by every shard (`source:` a connection template with `shards:`), the way a sharded application is replicated.
# Times the first run (tables created) and a second run (the nightly case: each shard's rows replaced), with the
# client's CPU and peak memory and the warehouse file's size, against `pg_dump --data-only` of every shard to
# /dev/null one after another. Prints Markdown, including the measured per-source-table costs that
# docs/scaling.md extends to 24 shards × 120,000 tables.
#
#   bench/replication/shards.sh                          SHARDS=4 TABLES=25000 ROWS=100 THREADS=4
#   SHARDS=4 TABLES=500 RUNS=1 bench/replication/shards.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
shards="${SHARDS:-4}"
tables="${TABLES:-25000}"
rows="${ROWS:-100}"
threads="${THREADS:-4}"
total=$((shards * tables))

build_nagare
start_pg
for ((s = 1; s <= shards; s++)); do
  log "shard $s/$shards: creating $tables tables × $rows rows"
  sql -c "CREATE DATABASE shard$s" >/dev/null
  fill_tables "" "$tables" "$rows" -d "shard$s"
  sql -d "shard$s" -c "VACUUM ANALYZE" >/dev/null
done

project="$work/project"
make_project "$project" "$threads"
{
  echo "name: shards"
  echo "type: postgres"
  echo "host: 127.0.0.1"
  echo "port: $PGPORT"
  echo "user: nagare"
  echo "max_concurrency: $threads"
  echo "shards:"
  for ((s = 1; s <= shards; s++)); do echo "  - database: shard$s"; done
} >"$project/connections/shards.yml"
make_sync "$project" nightly shards warehouse "public.t*" full_refresh

results="$work/results.txt"
for ((i = 1; i <= runs; i++)); do
  log "round $i/$runs"
  dump() { for ((s = 1; s <= shards; s++)); do pg_dump --data-only -d "shard$s" -f /dev/null; done; }
  echo "pg_dump $(wall dump)" >>"$results"
  rm -f "$project/warehouse.duckdb" "$project/warehouse.duckdb.wal"
  # Client CPU (user + system) and peak memory of the whole run, from GNU time.
  /usr/bin/time -f '%e %U %S %M' -o "$work/first.time" bash -c "$(declare -f nagare run_sync bench_program); root='$root'; sync_runner='$sync_runner'; run_sync '$project' nightly '$work/first-$i.json'"
  echo "first $(awk '{ printf "%s %.2f %.0f", $1, $2 + $3, $4 / 1024 }' "$work/first.time")" >>"$results"
  /usr/bin/time -f '%e %U %S %M' -o "$work/again.time" bash -c "$(declare -f nagare run_sync bench_program); root='$root'; sync_runner='$sync_runner'; run_sync '$project' nightly '$work/again-$i.json'"
  echo "again $(awk '{ printf "%s %.2f %.0f", $1, $2 + $3, $4 / 1024 }' "$work/again.time")" >>"$results"
  echo "streams $(jq '[.streams[] | select(.status == "succeeded")] | length' "$work/again-$i.json")" >>"$results"
  echo "size $(du -b "$project/warehouse.duckdb" | cut -f1)" >>"$results"
done

pick() { awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$results" | best; }
dump_s="$(pick pg_dump 2)"
first_s="$(pick first 2)"; first_cpu="$(pick first 3)"; first_rss="$(awk '$1 == "first" { print $4 }' "$results" | sort -g | tail -1)"
again_s="$(pick again 2)"; again_cpu="$(pick again 3)"; again_rss="$(awk '$1 == "again" { print $4 }' "$results" | sort -g | tail -1)"
streams="$(awk '$1 == "streams" { print $2 }' "$results" | sort -g | tail -1)"
size="$(awk '$1 == "size" { print $2 }' "$results" | sort -g | tail -1)"
rows_in_warehouse=$((total * rows))
echo
echo "$shards shards × $(fmt_int "$tables") tables × $rows rows ($(fmt_int "$total") source tables, $(fmt_int "$rows_in_warehouse") rows) → $(fmt_int "$tables") warehouse tables, $threads threads, best of $runs; $(machine)"
echo
echo "| run | seconds | source tables/s | client CPU s | CPU ms per source table | peak RSS MB | × pg_dump time |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '| pg_dump --data-only of each shard > /dev/null | %.1f | %.0f | | | | 1.00× |\n' "$dump_s" "$(echo "$total / $dump_s" | bc -l)"
printf '| nagare sync (first: tables created) | %.1f | %.0f | %.1f | %.2f | %s | %.2f× |\n' "$first_s" "$(echo "$total / $first_s" | bc -l)" "$first_cpu" "$(echo "$first_cpu / $total * 1000" | bc -l)" "$first_rss" "$(echo "$first_s / $dump_s" | bc -l)"
printf '| nagare sync again (each shard'"'"'s rows replaced, %s streams ok) | %.1f | %.0f | %.1f | %.2f | %s | %.2f× |\n' "$streams" "$again_s" "$(echo "$total / $again_s" | bc -l)" "$again_cpu" "$(echo "$again_cpu / $total * 1000" | bc -l)" "$again_rss" "$(echo "$again_s / $dump_s" | bc -l)"
echo
printf 'Warehouse file: %.1f MB (%.1f KB per warehouse table). Wall time per source table, nightly run: %.2f ms.\n' \
  "$(echo "$size / 1048576" | bc -l)" "$(echo "$size / $tables / 1024" | bc -l)" "$(echo "$again_s / $total * 1000" | bc -l)"
