#!/usr/bin/env bash
# Benchmark 2, the same from MariaDB: TABLES (10,000) same-shaped tables × ROWS (100) rows in SCHEMAS (10)
# databases s1 … sSCHEMAS (int primary key, text, decimal(12,2), timestamp), created by one multi-statement
# script through the mariadb client, fanned into one warehouse table by one `nagare sync` (stream selection
# `s*.t*` with `into: many_all`, each row tagged with its table in `_source`; full refresh, THREADS streams at
# once, a new warehouse file) against `mysqldump --no-create-info` of the same databases to /dev/null. Both
# connect over TCP to 127.0.0.1. Prints Markdown with the sync's wall time, its CPU time (user + system of the
# sync process) per source table, the MariaDB server's CPU, and the sync's peak memory (max RSS, GNU time).
#
#   bench/replication/many-tables-mariadb.sh          TABLES=10000 ROWS=100 SCHEMAS=10 THREADS=4
#   TABLES=1000 RUNS=1 bench/replication/many-tables-mariadb.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
many_tables_settings

build_nagare
start_mariadb
log "creating $tables tables × $rows rows in $schemas databases (one script through the mariadb client)"
awk -v schemas="$schemas" -v per="$per_schema" -v rows="$rows" 'BEGIN {
  for (s = 1; s <= schemas; s++) {
    printf "CREATE DATABASE s%d;\nUSE s%d;\n", s, s
    for (t = 1; t <= per; t++) {
      printf "CREATE TABLE t%d (id int PRIMARY KEY, name text, amount decimal(12,2), created_at timestamp NULL);\n", t
      printf "INSERT INTO t%d SELECT seq, CONCAT(\"name \", seq), seq * 1.25, TIMESTAMP \"2024-01-01 00:00:00\" + INTERVAL seq MINUTE FROM seq_1_to_%d;\n", t, rows
    }
  }
}' >"$work/create.sql"
start="$(now)"
my <"$work/create.sql"
log "created in $(printf '%.1f' "$(echo "$(now) - $start" | bc -l)") s"

project="$work/project"
make_project "$project" "$threads"
databases="$(seq -s, -f 's%g' 1 "$schemas")"
echo "databases: [$databases]" >>"$project/connections/my.yml"
make_sync "$project" many my warehouse "s*.t*" full_refresh "    into: many_all"
results="$work/results.txt"
dump_databases=()
for ((s = 1; s <= schemas; s++)); do dump_databases+=("s$s"); done
dump() {
  mysqldump --no-defaults --protocol=tcp -h 127.0.0.1 -P "$NAGARE_TEST_MYSQL_PORT" -u nagare --no-create-info \
    --databases "${dump_databases[@]}" >/dev/null
}
for ((i = 1; i <= runs; i++)); do
  log "round $i/$runs"
  echo "mysqldump $(wall_cpu dump)" >>"$results"
  rm -f "$project/warehouse.duckdb" "$project/warehouse.duckdb.wal"
  echo "nagare $(measure_sync "$project" many "$work/sync-$i.json")" >>"$results"
  echo "written $(jq '.rows_written' "$work/sync-$i.json")" >>"$results"
done

dump_secs="$(awk '$1 == "mysqldump" { print $2 }' "$results" | best)"
read -r nag nag_cpu nag_server nag_rss < <(awk '$1 == "nagare"' "$results" | sort -g -k2 | head -1 | cut -d' ' -f2-)
read -r _ dump_cpu dump_server < <(awk -v s="$dump_secs" '$1 == "mysqldump" && $2 == s' "$results" | head -1 | cut -d' ' -f2-) || true
written="$(awk '$1 == "written" { print $2 }' "$results" | sort -g | tail -1)"
echo
echo "$(fmt_int "$tables") tables × $rows rows in $schemas databases, best of $runs; $(machine)"
echo
echo "| implementation | seconds | tables/s | × mysqldump time | CPU s: client + MariaDB | client CPU ms per table | peak RSS (MB) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '| mysqldump --no-create-info (%s databases) > /dev/null | %.1f | %.0f | 1.00× | %s + %s | %.2f | |\n' "$schemas" "$dump_secs" \
  "$(echo "$tables / $dump_secs" | bc -l)" "$dump_cpu" "$dump_server" "$(echo "$dump_cpu / $tables * 1000" | bc -l)"
printf '| %s (→ one warehouse table with into:, %s threads, %s of %s rows written) | %.1f | %.0f | %.2f× (target ≤ 1.5×) | %s + %s | %.2f | %s |\n' \
  "$(sync_command many)" "$threads" "$(fmt_int "$written")" "$(fmt_int "$((tables * rows))")" "$nag" "$(echo "$tables / $nag" | bc -l)" "$(echo "$nag / $dump_secs" | bc -l)" \
  "$nag_cpu" "$nag_server" "$(echo "$nag_cpu / $tables * 1000" | bc -l)" "$nag_rss"
