#!/usr/bin/env bash
# Benchmark 4: peak memory (max RSS of the whole process, GNU time) of `nagare sync` copying one table of
# SMALL_ROWS (5,000,000) and ROWS (20,000,000) rows (bigint, double, text, timestamp) from PostgreSQL (or, with
# SOURCE=mariadb, from MariaDB) into the warehouse and into Parquet files. The target is a peak that does not grow
# with the table. Prints Markdown.
#
#   bench/replication/memory.sh                      SMALL_ROWS=5000000 ROWS=20000000
#   SMALL_ROWS=500000 ROWS=2000000 bench/replication/memory.sh
#   SOURCE=mariadb bench/replication/memory.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
small="${SMALL_ROWS:-5000000}"
large="${ROWS:-20000000}"
from="${SOURCE:-postgres}"

build_nagare
if [[ "$from" == mariadb ]]; then start_mariadb; else start_pg; fi
project="$work/project"
make_project "$project" 2
results="$work/results.txt"
for rows in "$small" "$large"; do
  log "table of $rows rows in $from"
  if [[ "$from" == mariadb ]]; then
    my nagare_test >/dev/null <<SQL
CREATE TABLE big_$rows (id bigint PRIMARY KEY, v double, s text, ts datetime(6)) ENGINE = InnoDB;
INSERT INTO big_$rows SELECT seq, seq * 0.5, CONCAT('row ', seq), TIMESTAMP '2020-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_$rows;
ANALYZE TABLE big_$rows;
SQL
    connection=my stream="nagare_test.big_$rows"
  else
    sql <<SQL
CREATE TABLE big_$rows (id bigint PRIMARY KEY, v double precision, s text, ts timestamptz);
INSERT INTO big_$rows SELECT g, g * 0.5, 'row ' || g, timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, $rows) g;
VACUUM ANALYZE big_$rows;
SQL
    connection=pg stream="public.big_$rows"
  fi
  make_sync "$project" "big_${rows}_duckdb" "$connection" warehouse "$stream"
  make_sync "$project" "big_${rows}_parquet" "$connection" out "$stream"
  for dest in duckdb parquet; do
    rm -rf "$project/warehouse.duckdb" "$project/warehouse.duckdb.wal" "$project/out"
    if [[ "$sync_runner" == cli ]]; then
      read -r secs rss < <(wall_rss dotnet "$root/.cache/bench-cli/nagare.dll" sync "big_${rows}_$dest" --json -p "$project")
    else
      read -r secs rss < <(wall_rss dotnet "$root/.cache/bench/Nagare.Bench.dll" sync "$project" "big_${rows}_$dest")
    fi
    echo "$rows $dest $secs $rss" >>"$results"
  done
  if [[ "$from" == mariadb ]]; then my nagare_test -e "DROP TABLE big_$rows"; else sql -c "DROP TABLE big_$rows"; fi
done

echo
echo "Peak memory of one sync from $from (max RSS, whole process); $(machine)"
echo
echo "| rows | destination | seconds | peak RSS (MB) |"
echo "| ---: | --- | ---: | ---: |"
while read -r rows dest secs rss; do
  printf '| %s | %s | %.1f | %s |\n' "$(fmt_int "$rows")" "$([[ $dest == duckdb ]] && echo "warehouse (DuckDB)" || echo "Parquet files")" "$secs" "$rss"
done <"$results"
