#!/usr/bin/env bash
# Benchmark 1: one big table, PostgreSQL → DuckDB table and → Parquet, against PostgreSQL's own binary COPY
# to /dev/null through psql (the rate no client can beat). Tables:
#   pgbench_accounts   from `pgbench -i -s SCALE` (SCALE 50 = 5,000,000 rows: int, int, int, char(84))
#   wide               WIDE_ROWS rows of numeric(18,4), text, timestamptz, uuid, jsonb, bool (+ bigint id)
# Per table and round: psql \copy (SELECT …) TO '/dev/null' (FORMAT binary); `nagare sync` into the
# warehouse; `nagare sync` into a files connection writing Parquet; and the PostgreSQL source alone
# (bench/Nagare.Bench pg-read: batches decoded and dropped). Best of RUNS (3) counts. Prints Markdown, with
# each case's CPU seconds (client process, and PostgreSQL's backend serving it) from the best round: on a
# machine with few cores the two compete, and their sum over the cores bounds the wall time.
#
#   bench/replication/throughput.sh                 SCALE=50, WIDE_ROWS=5000000
#   SCALE=5 WIDE_ROWS=500000 RUNS=1 bench/replication/throughput.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
scale="${SCALE:-50}"
wide_rows="${WIDE_ROWS:-5000000}"

build_nagare
start_pg
log "pgbench -i -s $scale"
pgbench -i -q -s "$scale" >/dev/null 2>&1
log "wide table: $wide_rows rows"
sql <<SQL
CREATE TABLE wide (id bigint PRIMARY KEY, amount numeric(18,4), note text, created_at timestamptz, uid uuid, doc jsonb, flag bool);
INSERT INTO wide
SELECT g, round((g * 1.2345)::numeric, 4), 'note ' || md5(g::text), timestamptz '2020-01-01 00:00:00+00' + g * interval '1.000001 second',
       md5(g::text)::uuid, jsonb_build_object('id', g, 'tag', 'tag' || (g % 100), 'ok', g % 3 = 0),
       CASE WHEN g % 10 = 0 THEN NULL ELSE g % 2 = 0 END
FROM generate_series(1, $wide_rows) g;
VACUUM ANALYZE wide;
SQL

project="$work/project"
make_project "$project" 2
declare -A columns=([pgbench_accounts]="aid, bid, abalance, filler" [wide]="id, amount, note, created_at, uid, doc, flag")
results="$work/results.txt"
for table in pgbench_accounts wide; do
  make_sync "$project" "${table}_duckdb" pg warehouse "public.$table"
  make_sync "$project" "${table}_parquet" pg out "public.$table"
  rows="$(sql -c "SELECT count(*) FROM $table")"
  for ((i = 1; i <= runs; i++)); do
    log "$table: round $i/$runs"
    echo "$table psql $rows $(wall_cpu psql -qc "\\copy (SELECT ${columns[$table]} FROM $table) TO '/dev/null' (FORMAT binary)")" >>"$results"
    echo "$table source $rows $(wall_cpu bench_program pg-read "$NAGARE_TEST_PG" public "$table")" >>"$results"
    echo "$table duckdb $rows $(wall_cpu run_sync "$project" "${table}_duckdb" "$work/sync.json")" >>"$results"
    echo "$table parquet $rows $(wall_cpu run_sync "$project" "${table}_parquet" "$work/sync.json")" >>"$results"
  done
done

echo
echo "PostgreSQL → DuckDB / Parquet, best of $runs; $(machine)"
echo
echo "| table | rows | implementation | seconds | rows/s | × psql | CPU s: client + PostgreSQL |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: |"
for table in pgbench_accounts wide; do
  ref="$(awk -v t="$table" '$1 == t && $2 == "psql" { print $4 }' "$results" | best)"
  for impl in psql source duckdb parquet; do
    secs="$(awk -v t="$table" -v i="$impl" '$1 == t && $2 == i { print $4 }' "$results" | best)"
    rows="$(awk -v t="$table" '$1 == t { print $3; exit }' "$results")"
    case "$impl" in
      psql) how="psql \\copy (SELECT …) TO '/dev/null' (FORMAT binary)" ;;
      source) how="Nagare PostgreSQL source alone (batches dropped)" ;;
      duckdb) how="$(sync_command "${table}_duckdb") (→ warehouse table)" ;;
      parquet) how="$(sync_command "${table}_parquet") (→ Parquet files)" ;;
    esac
    cpu="$(awk -v t="$table" -v i="$impl" -v s="$secs" '$1 == t && $2 == i && $4 == s { print $5 " + " $6; exit }' "$results")"
    printf '| %s | %s | %s | %.2f | %s | %.2f× | %s |\n' "$table" "$(fmt_int "$rows")" "$how" "$secs" \
      "$(fmt_int "$(echo "$rows / $secs" | bc -l)")" "$(echo "$ref / $secs" | bc -l)" "$cpu"
  done
done
