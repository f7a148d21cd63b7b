#!/usr/bin/env bash
# Activation benchmarks, each side by side with a reference in the same run (not part of the test command):
#   1. ROWS_PG (1M) warehouse rows -> PostgreSQL upsert by `nagare activate`, vs `psql \copy ... FROM ... (FORMAT binary)`
#      of the same rows into the same (emptied) table;
#   2. ROWS_FILES (10M) rows -> gzip CSV split at 50 MB by `nagare activate`, vs DuckDB's own
#      `COPY ... TO ... (FORMAT csv, COMPRESSION gzip)` of the same query (run through `nagare query`);
#   3. a diff run over ROWS_FILES rows with 1% changed (mode changes: only the changed records written).
# Usage: bench/activations/run.sh   (RUNS=3 ROWS_PG=1000000 ROWS_FILES=10000000 NO_BUILD=1 to reuse a build;
#        CASES=pg, CASES=files,diff ... runs only those cases: pg is 1, files 2, diff 3)
source "$(dirname "${BASH_SOURCE[0]}")/../replication/common.sh"

rows_pg="${ROWS_PG:-1000000}"
rows_files="${ROWS_FILES:-10000000}"
cases=",${CASES:-pg,files,diff},"
has() { [[ "$cases" == *",$1,"* ]]; }
build_nagare
start_pg

dir="$work/act"
make_project "$dir"
mkdir -p "$dir/activations"
log "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# `nagare query` opens only an existing warehouse; an activation's dry run creates it.
printf 'query: select 1 as id\ndestination: { type: files, path: out/init }\n' >"$dir/activations/init.yml"
nagare activate init -p "$dir" --dry-run --json >/dev/null
rm "$dir/activations/init.yml"

# The same shape on both sides: a bigint key, a text, a numeric, a timestamp.
nagare query -p "$dir" "CREATE SCHEMA mart; CREATE TABLE mart.kpis AS SELECT CAST(i AS BIGINT) AS id, 'customer ' || i AS name, CAST(i % 100000 AS DECIMAL(12,2)) / 7 AS amount, TIMESTAMP '2024-01-01' + to_seconds(i) AS updated_at FROM range($rows_pg) t(i)" >/dev/null
if has files || has diff; then
  nagare query -p "$dir" "CREATE TABLE mart.segment AS SELECT CAST(i AS BIGINT) AS id, md5(CAST(i AS VARCHAR)) AS email, i % 17 AS segment, i * 0.25 AS score FROM range($rows_files) t(i)" >/dev/null
fi
sql -c "CREATE TABLE public.kpis (id bigint PRIMARY KEY, name text, amount numeric(12,2), updated_at timestamp)"
sql -c "\\copy (SELECT i::bigint, 'customer ' || i, round(((i % 100000)::numeric(12,2)) / 7, 2), timestamp '2024-01-01' + i * interval '1 second' FROM generate_series(0, $rows_pg - 1) i) TO '$work/kpis.bin' (FORMAT binary)"

cat >"$dir/activations/kpis.yml" <<YML
query: select * from mart.kpis
destination: { connection: pg, table: public.kpis, mode: upsert, key: [id] }
YML
cat >"$dir/activations/segment.yml" <<YML
query: select * from mart.segment
destination:
  type: files
  path: out/segment
  format: csv
  compression: gzip
  max_bytes: 50MB
  file_name: "segment_{{ run_date }}_{{ part:03 }}.csv.gz"
  parallel: 2
  key: [id]
YML
cat >"$dir/activations/changes.yml" <<YML
query: select * from mart.segment
destination: { type: files, path: out/changes, format: csv, compression: gzip, mode: changes, key: [id], file_name: "changes_{{ ts }}_{{ part }}.csv.gz", manifest: "changes_{{ ts }}.json" }
YML

best() { sort -n | head -1; }
pg_nagare=() pg_start=() pg_psql=() files_nagare=() files_duck=() diff_dry=() diff_run=()
for round in $(seq 1 "$runs"); do
  if has pg; then
    sql -c "TRUNCATE public.kpis"
    pg_psql+=("$(wall sql -c "\\copy public.kpis FROM '$work/kpis.bin' (FORMAT binary)")")
    sql -c "TRUNCATE public.kpis"
    pg_nagare+=("$(wall nagare activate kpis -p "$dir" --full --json)")
    # The process start, reading the project and opening the warehouse, which every command pays.
    pg_start+=("$(wall nagare query -p "$dir" "select 1")")
    log "round $round: pg nagare ${pg_nagare[-1]} s (of which start ${pg_start[-1]} s), psql ${pg_psql[-1]} s (load $(cut -d' ' -f1 /proc/loadavg))"
  fi
  if has files; then
    files_duck+=("$(wall nagare query -p "$dir" "COPY (SELECT * FROM mart.segment) TO '$work/duck.csv.gz' (FORMAT csv, COMPRESSION gzip)")")
    files_nagare+=("$(wall nagare activate segment -p "$dir" --full --json)")
    log "round $round: files nagare ${files_nagare[-1]} s, duckdb ${files_duck[-1]} s"
  fi
done

if has files; then
  largest="$(find "$dir/out/segment" -name '*.csv.gz' -printf '%s\n' | sort -n | tail -1)"
  files="$(find "$dir/out/segment" -name '*.csv.gz' | wc -l)"
fi
if has diff; then
  nagare activate changes -p "$dir" --json >/dev/null
  for round in $(seq 1 "$runs"); do
    nagare query -p "$dir" "UPDATE mart.segment SET score = score + 1 WHERE id % 100 = $round" >/dev/null
    diff_dry+=("$(wall nagare activate changes -p "$dir" --dry-run --json)")
    diff_run+=("$(wall nagare activate changes -p "$dir" --json)")
    log "diff round $round: dry run ${diff_dry[-1]} s, run ${diff_run[-1]} s"
  done
fi

b() { printf '%s\n' "$@" | best; }
printf '\nload %s, %s cores, %s\n\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '| case | Nagare (s) | reference (s) | ratio | target |\n| --- | ---: | ---: | ---: | --- |\n'
has pg && printf '| %s rows -> PostgreSQL upsert vs psql \\copy binary (start-up alone: %.2f s) | %.2f | %.2f | %.2f× speed | ≥ 0.7× |\n' "$rows_pg" "$(b "${pg_start[@]}")" "$(b "${pg_nagare[@]}")" "$(b "${pg_psql[@]}")" "$(echo "$(b "${pg_psql[@]}") / $(b "${pg_nagare[@]}")" | bc -l)"
has files && printf '| %s rows -> gzip CSV split at 50 MB (%s files, largest %s bytes) vs DuckDB COPY gzip CSV | %.2f | %.2f | %.2f× time | ≤ 1.2× |\n' "$rows_files" "$files" "$largest" "$(b "${files_nagare[@]}")" "$(b "${files_duck[@]}")" "$(echo "$(b "${files_nagare[@]}") / $(b "${files_duck[@]}")" | bc -l)"
if has diff; then printf '| diff over %s rows, 1%% changed: dry run / run (changes files) | %.2f / %.2f | | | ≤ 10 s |\n' "$rows_files" "$(b "${diff_dry[@]}")" "$(b "${diff_run[@]}")"; fi
