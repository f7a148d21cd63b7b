#!/usr/bin/env bash
# Benchmark 1, the same from MariaDB: one big table, MariaDB → DuckDB table and → Parquet. The table is
# pgbench_accounts' shape (aid int primary key, bid int, abalance int, filler char(84) left blank), SCALE × 100,000
# rows as `pgbench -i -s SCALE` makes them (SCALE 50 = 5,000,000), loaded from MariaDB's seq_1_to_N sequence
# table. Per round: the client's raw read, `mariadb --quick --batch -e "SELECT …" > /dev/null` (rows streamed
# as tab-separated text and dropped: the reference); MySqlConnector alone (bench/Nagare.Bench my-driver-read: every
# row read and every value taken with its typed getter, nothing kept: the floor of any client built on the driver
# Nagare uses); the Nagare MySQL source alone (my-read: batches filled and dropped); `nagare sync` from a
# `type: mariadb` connection into the
# warehouse; `nagare sync` into a files connection writing Parquet; and the two-step job a user would script
# instead, timed as one job: `mariadb --quick --batch -e "SELECT …" > file` (tab-separated, header line), then
# DuckDB reading that file into a table (CREATE TABLE … AS SELECT * FROM read_csv(…)) or into Parquet
# (COPY (FROM read_csv(…)) TO … (FORMAT parquet)), DuckDB run by bench/Nagare.Bench duckdb-sql (no DuckDB CLI
# here; its start-up, ~0.1 s, counts against the peer). Everything connects over TCP to 127.0.0.1. Best of
# RUNS (3) counts. Prints Markdown, with each case's CPU seconds (client process, and the MariaDB server's)
# from the best round.
#
#   bench/replication/throughput-mariadb.sh              SCALE=50
#   SCALE=5 RUNS=1 bench/replication/throughput-mariadb.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
scale="${SCALE:-50}"
table=pgbench_accounts
columns="aid, bid, abalance, filler"

build_nagare
start_mariadb
log "$table: $((scale * 100000)) rows"
my nagare_test >/dev/null <<SQL
CREATE TABLE $table (aid int PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL, filler char(84)) ENGINE = InnoDB;
INSERT INTO $table SELECT seq, (seq - 1) DIV 100000 + 1, 0, '' FROM seq_1_to_$((scale * 100000));
ANALYZE TABLE $table;
SQL

select_all="SELECT $columns FROM $table"
raw_read() { my --quick nagare_test -e "$select_all" >/dev/null; }
# The mariadb client to a tab-separated file, then DuckDB SQL over it: the job `nagare sync` replaces.
two_step() {
  my --quick nagare_test -e "$select_all" >"$work/two.tsv" &&
    bench_program duckdb-sql "$work/two.duckdb" "$1" && rm -f "$work/two.tsv" "$work/two.parquet"
}
read_tsv="read_csv('$work/two.tsv', delim = '\\t', header = true, quote = '', escape = '')"

project="$work/project"
make_project "$project" 2
make_sync "$project" "${table}_duckdb" my warehouse "nagare_test.$table"
make_sync "$project" "${table}_parquet" my out "nagare_test.$table"
rows="$(my -N nagare_test -e "SELECT count(*) FROM $table")"
results="$work/results.txt"
for ((i = 1; i <= runs; i++)); do
  log "$table: round $i/$runs"
  echo "client $rows $(wall_cpu raw_read)" >>"$results"
  echo "driver $rows $(wall_cpu bench_program my-driver-read "$NAGARE_TEST_MYSQL" "$select_all")" >>"$results"
  echo "source $rows $(wall_cpu bench_program my-read "$NAGARE_TEST_MYSQL" nagare_test "$table")" >>"$results"
  echo "duckdb $rows $(wall_cpu run_sync "$project" "${table}_duckdb" "$work/sync.json")" >>"$results"
  echo "parquet $rows $(wall_cpu run_sync "$project" "${table}_parquet" "$work/sync.json")" >>"$results"
  echo "two_duckdb $rows $(wall_cpu two_step "CREATE OR REPLACE TABLE t AS SELECT * FROM $read_tsv")" >>"$results"
  echo "two_parquet $rows $(wall_cpu two_step "COPY (FROM $read_tsv) TO '$work/two.parquet' (FORMAT parquet)")" >>"$results"
done

echo
echo "MariaDB → DuckDB / Parquet, best of $runs; $(machine)"
echo
echo "| table | rows | implementation | seconds | rows/s | × mariadb client | faster than the two-step job | CPU s: client + MariaDB |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
ref="$(awk '$1 == "client" { print $3 }' "$results" | best)"
two_duckdb="$(awk '$1 == "two_duckdb" { print $3 }' "$results" | best)"
two_parquet="$(awk '$1 == "two_parquet" { print $3 }' "$results" | best)"
for impl in client driver source duckdb parquet two_duckdb two_parquet; do
  secs="$(awk -v i="$impl" '$1 == i { print $3 }' "$results" | best)"
  case "$impl" in
    client) how="mariadb --quick --batch -e \"SELECT …\" > /dev/null" ;;
    driver) how="MySqlConnector alone: Read() and a typed getter per value, nothing kept (the floor of a client built on it)" ;;
    source) how="Nagare MySQL source alone (batches dropped)" ;;
    duckdb) how="$(sync_command "${table}_duckdb") (→ warehouse table)" ;;
    parquet) how="$(sync_command "${table}_parquet") (→ Parquet files)" ;;
    two_duckdb) how="two steps: mariadb --quick --batch -e \"SELECT …\" > file (tab-separated), then DuckDB CREATE TABLE … AS SELECT * FROM read_csv(…)" ;;
    two_parquet) how="two steps: mariadb --quick --batch -e \"SELECT …\" > file (tab-separated), then DuckDB COPY (FROM read_csv(…)) TO … (FORMAT parquet)" ;;
  esac
  case "$impl" in duckdb) two="$two_duckdb" ;; parquet) two="$two_parquet" ;; *) two="" ;; esac
  cpu="$(awk -v i="$impl" -v s="$secs" '$1 == i && $3 == s { print $4 " + " $5; exit }' "$results")"
  throughput_row "$table" "$rows" "$how" "$secs" "$ref" "$two" "$cpu"
done
