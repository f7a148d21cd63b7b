#!/usr/bin/env bash
# Benchmark 1: one big table, PostgreSQL → DuckDB table and → Parquet, against PostgreSQL's own binary COPY
# to /dev/null through psql (the rate no client can beat). Tables:
#   pgbench_accounts   from `pgbench -i -s SCALE` (SCALE 50 = 5,000,000 rows: int, int, int, char(84))
#   wide               WIDE_ROWS rows of numeric(18,4), text, timestamptz, uuid, jsonb, bool (+ bigint id)
# Per table and round: psql \copy (SELECT …) TO '/dev/null' (FORMAT binary); `nagare sync` into the
# warehouse; `nagare sync` into a files connection writing Parquet; the PostgreSQL source alone
# (bench/Nagare.Bench pg-read: batches decoded and dropped); and the two-step job a user would script instead,
# timed as one job: psql \copy … TO a CSV file (FORMAT csv, HEADER), then DuckDB reading that file into a table
# (CREATE TABLE … AS SELECT * FROM read_csv(…)) or into Parquet (COPY (FROM read_csv(…)) TO … (FORMAT parquet)),
# DuckDB run by bench/Nagare.Bench duckdb-sql (no DuckDB CLI here; its start-up, ~0.1 s, counts against the peer). Best of RUNS (3) counts. Prints Markdown, with
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

# psql to a CSV file, then DuckDB SQL over it: the job `nagare sync` replaces.
two_step() {
  psql -qc "\\copy (SELECT ${columns[$1]} FROM $1) TO '$work/two.csv' (FORMAT csv, HEADER)" &&
    bench_program duckdb-sql "$work/two.duckdb" "$2" && rm -f "$work/two.csv" "$work/two.parquet"
}

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
    echo "$table two_duckdb $rows $(wall_cpu two_step "$table" "CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('$work/two.csv')")" >>"$results"
    echo "$table two_parquet $rows $(wall_cpu two_step "$table" "COPY (FROM read_csv('$work/two.csv')) TO '$work/two.parquet' (FORMAT parquet)")" >>"$results"
  done
done

echo
echo "PostgreSQL → DuckDB / Parquet, best of $runs; $(machine)"
echo
echo "| table | rows | implementation | seconds | rows/s | × psql | faster than the two-step job | CPU s: client + PostgreSQL |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
for table in pgbench_accounts wide; do
  ref="$(awk -v t="$table" '$1 == t && $2 == "psql" { print $4 }' "$results" | best)"
  two_duckdb="$(awk -v t="$table" '$1 == t && $2 == "two_duckdb" { print $4 }' "$results" | best)"
  two_parquet="$(awk -v t="$table" '$1 == t && $2 == "two_parquet" { print $4 }' "$results" | best)"
  for impl in psql source duckdb parquet two_duckdb two_parquet; do
    secs="$(awk -v t="$table" -v i="$impl" '$1 == t && $2 == i { print $4 }' "$results" | best)"
    rows="$(awk -v t="$table" '$1 == t { print $3; exit }' "$results")"
    case "$impl" in
      psql) how="psql \\copy (SELECT …) TO '/dev/null' (FORMAT binary)" ;;
      source) how="Nagare PostgreSQL source alone (batches dropped)" ;;
      duckdb) how="$(sync_command "${table}_duckdb") (→ warehouse table)" ;;
      parquet) how="$(sync_command "${table}_parquet") (→ Parquet files)" ;;
      two_duckdb) how="two steps: psql \\copy … TO file (FORMAT csv, HEADER), then DuckDB CREATE TABLE … AS SELECT * FROM read_csv(…)" ;;
      two_parquet) how="two steps: psql \\copy … TO file (FORMAT csv, HEADER), then DuckDB COPY (FROM read_csv(…)) TO … (FORMAT parquet)" ;;
    esac
    case "$impl" in duckdb) two="$two_duckdb" ;; parquet) two="$two_parquet" ;; *) two="" ;; esac
    cpu="$(awk -v t="$table" -v i="$impl" -v s="$secs" '$1 == t && $2 == i && $4 == s { print $5 " + " $6; exit }' "$results")"
    throughput_row "$table" "$rows" "$how" "$secs" "$ref" "$two" "$cpu"
  done
done
