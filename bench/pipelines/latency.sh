#!/usr/bin/env bash
# Latency "dependencies met → task started" over a chain of STEPS (200) no-op command steps, computed from the
# metadata store: for each step after the first, its first attempt's started_at minus its upstream step's
# finished_at (Nagare.Bench pipeline-latency). The store keeps milliseconds: 1 ms is the resolution.
#   embedded:   `nagare pipeline run chain` (SQLite store, in-process worker), a new store per round;
#   PostgreSQL: a scheduler (`nagare serve --no-worker`), 4 × `nagare worker --slots 1`, the run created by
#               `nagare pipeline run chain --wait`; a throw-away server (scripts/pg-test-server).
# Best (lowest p50) of RUNS (3) rounds each; every round is printed.
# Usage: bench/pipelines/latency.sh [STEPS]
source "$(dirname "$0")/common.sh"
steps="${1:-200}"
build_nagare
project="$work/project"
mkdir -p "$project/pipelines"
printf 'name: latencybench\n' >"$project/nagare.yml"
{
  echo "name: chain"
  echo "steps:"
  for ((s = 0; s < steps; s++)); do
    echo "  - name: s$s"
    echo '    command: ["true"]'
    ((s > 0)) && echo "    after: [s$((s - 1))]"
  done
} >"$project/pipelines/chain.yml"
cli="$root/.cache/bench-cli/nagare.dll"

# Prints "count p50 p90 max run_seconds" for a run.
latency() { bench_program pipeline-latency "$1" "$project" "$2"; }

log "embedded: SQLite store, in-process worker; load $(load)"
embedded=()
for ((r = 0; r < runs; r++)); do
  rm -rf "$project/.nagare"
  nagare pipeline run chain -p "$project" -q >"$work/run.out" 2>&1 || { cat "$work/run.out" >&2; exit 1; }
  embedded+=("$(latency "" 1)")
  log "round $((r + 1)): ${embedded[-1]}"
done

start_pg
store="$(pg_store latency)"
dotnet "$cli" serve --no-worker --store "$store" -p "$project" >"$work/serve.log" 2>&1 &
background+=($!)
for ((w = 0; w < 4; w++)); do
  dotnet "$cli" worker --store "$store" --slots 1 -p "$project" >"$work/worker$w.log" 2>&1 &
  background+=($!)
done
# Wait until the scheduler holds its lease and the 4 workers have reported.
for ((i = 0; i < 120; i++)); do
  ready=$(psql -qAt -c "SELECT (SELECT count(*) FROM latency.leases) || ' ' || (SELECT count(*) FROM latency.workers)" 2>/dev/null || echo "0 0")
  [[ "$ready" == "1 4" ]] && break
  sleep 0.5
done
[[ "$ready" == "1 4" ]] || { log "scheduler and workers did not start: $ready"; cat "$work"/serve.log "$work"/worker*.log >&2; exit 1; }
log "PostgreSQL: scheduler + 4 workers of 1 slot; load $(load)"
postgres=()
for ((r = 0; r < runs; r++)); do
  out="$(nagare pipeline run chain --wait --store "$store" -p "$project" -q 2>&1)" || { echo "$out" >&2; exit 1; }
  id="$(sed -n 's/^run \([0-9]*\) of chain.*/\1/p' <<<"$out" | head -1)"
  postgres+=("$(latency "$store" "$id")")
  log "round $((r + 1)) (run $id): ${postgres[-1]}"
done

pick() { printf '%s\n' "$@" | sort -k2,2g | head -1; }
e="$(pick "${embedded[@]}")" p="$(pick "${postgres[@]}")"
echo "chain of $steps no-op steps, $(machine), PostgreSQL $(psql -qAt -c 'SHOW server_version' | cut -d' ' -f1), load average $(load) at the end"
echo "rounds (count p50 p90 max run-seconds): embedded: ${embedded[*]/%/;} PostgreSQL: ${postgres[*]/%/;}"
echo
echo "| store | workers | steps measured | p50 ms | p90 ms | max ms | run s | target |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
read -r n p50 p90 max secs <<<"$e"
echo "| SQLite (embedded) | in-process, 4 slots | $n | $p50 | $p90 | $max | $secs | p50 ≤ 5 ms |"
read -r n p50 p90 max secs <<<"$p"
echo "| PostgreSQL | 4 × \`nagare worker --slots 1\` + \`serve --no-worker\` | $n | $p50 | $p90 | $max | $secs | p50 ≤ 50 ms |"
