#!/usr/bin/env bash
# Benchmark 5: DuckDB → PostgreSQL merge of ROWS (1,000,000) rows (bigint key, numeric(12,2), text,
# timestamptz, bool) with `nagare sync` (mode merge, primary key id) against
# psql \copy TABLE FROM FILE (FORMAT binary) of the same rows into the same, emptied table. Nagare runs three
# times per round: into an empty table (all inserts), the same rows again into the full table (every row
# unchanged), and after every row's amount changed in the DuckDB file (every row an update). Prints Markdown.
#
#   bench/replication/merge.sh            ROWS=1000000
#   ROWS=100000 RUNS=1 bench/replication/merge.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
rows="${ROWS:-1000000}"

build_nagare
start_pg
log "source rows: $rows"
sql <<SQL
CREATE TABLE src (id bigint PRIMARY KEY, amount numeric(12,2), note text, updated_at timestamptz, flag bool);
INSERT INTO src SELECT g, g * 0.25, 'note ' || md5(g::text), timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', g % 2 = 0
FROM generate_series(1, $rows) g;
CREATE SCHEMA bench;
SQL
sql -c "\\copy src TO '$work/src.bin' (FORMAT binary)"

# Project A loads the rows into its warehouse; project B reads that DuckDB file and merges into PostgreSQL.
lake="$work/lake"
make_project "$lake" 2
make_sync "$lake" load pg warehouse "public.src"
run_sync "$lake" load "$work/load.json"
project="$work/project"
make_project "$project" 2
cat >"$project/connections/lake.yml" <<YML
name: lake
type: duckdb
path: $lake/warehouse.duckdb
YML
cat >"$project/syncs/merge.yml" <<YML
name: merge
source: lake
destination: pg
target_schema: bench
streams:
  - select: "bench.src"
    mode: merge
    primary_key: [id]
YML

results="$work/results.txt"
for ((i = 1; i <= runs; i++)); do
  log "round $i/$runs"
  sql -c "DROP TABLE IF EXISTS bench.src, bench.copy_target; DROP SCHEMA IF EXISTS _nagare CASCADE; CREATE TABLE bench.copy_target (LIKE src INCLUDING ALL)"
  echo "psql $(wall psql -qc "\\copy bench.copy_target FROM '$work/src.bin' (FORMAT binary)")" >>"$results"
  echo "insert $(wall run_sync "$project" merge "$work/merge.json")" >>"$results"
  echo "unchanged $(wall run_sync "$project" merge "$work/merge.json")" >>"$results"
  nagare query --db "$lake/warehouse.duckdb" "UPDATE bench.src SET amount = amount + 1" >/dev/null
  echo "update $(wall run_sync "$project" merge "$work/merge.json")" >>"$results"
  [[ "$(sql -c 'SELECT count(*) FROM bench.src')" == "$rows" ]] || { log "bench.src does not hold $rows rows"; exit 1; }
done

ref="$(awk '$1 == "psql" { print $2 }' "$results" | best)"
echo
echo "DuckDB → PostgreSQL, $(fmt_int "$rows") rows, best of $runs; $(machine)"
echo
echo "| implementation | seconds | rows/s | × psql |"
echo "| --- | ---: | ---: | ---: |"
for impl in psql insert unchanged update; do
  secs="$(awk -v i="$impl" '$1 == i { print $2 }' "$results" | best)"
  case "$impl" in
    psql) how="psql \\copy bench.copy_target FROM FILE (FORMAT binary), empty table with primary key" ;;
    insert) how="$(sync_command merge), mode merge into an empty table" ;;
    unchanged) how="$(sync_command merge), the same rows again (every row unchanged)" ;;
    update) how="$(sync_command merge), every row's amount changed (every row updated)" ;;
  esac
  printf '| %s | %.2f | %s | %.2f× |\n' "$how" "$secs" "$(fmt_int "$(echo "$rows / $secs" | bc -l)")" "$(echo "$ref / $secs" | bc -l)"
done
