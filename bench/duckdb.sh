#!/usr/bin/env bash
# Reading and appending 10 million rows (BIGINT, DOUBLE, VARCHAR), side by side on the same
# data and machine in one run:
#   nagare  Nagare.DuckDb (typed reader; chunk appender)
#   node    DuckDB's own Node.js binding, @duckdb/node-api (chunk stream; data-chunk appender)
#   engine  DuckDB working alone: SELECT min(a), max(b), max(length(c)) FROM t, and
#           INSERT INTO t2 SELECT * FROM t (the limit any binding can approach)
# Each case runs in a fresh process RUNS times (default 3); the best run counts. Prints a
# Markdown table (rows/s, ratios, peak RSS) that docs/performance.md records.
#
#   bench/duckdb.sh              10,000,000 rows
#   ROWS=1000000 bench/duckdb.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows="${ROWS:-10000000}"
runs="${RUNS:-3}"
"$root/scripts/bootstrap" --bench

out="$root/.cache/bench"
dotnet build "$root/bench/Nagare.Bench/Nagare.Bench.csproj" -c Release -o "$out" -nologo -v quiet -clp:ErrorsOnly
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
db="$work/bench.duckdb"
bench() { dotnet "$out/Nagare.Bench.dll" "$@"; }
node_bench() { node "$root/bench/node/duckdb-bench.mjs" "$@"; }

echo "preparing $rows rows in $db" >&2
bench prepare "$db" "$rows" >&2

results="$work/results.jsonl"
for ((i = 1; i <= runs; i++)); do
  echo "round $i/$runs" >&2
  bench read "$db" "$rows" >>"$results"
  node_bench read "$db" "$rows" >>"$results"
  bench engine-read "$db" "$rows" >>"$results"
  bench append "$db" "$rows" >>"$results"
  node_bench append "$db" "$rows" >>"$results"
  bench engine-append "$db" "$rows" >>"$results"
done

node "$root/bench/node/summarize.mjs" "$rows" "$runs" <"$results"
