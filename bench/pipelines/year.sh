#!/usr/bin/env bash
# The store after a year: a daily pipeline of 100 command steps, RUNS_PER_YEAR (365) runs = 36,500 tasks, each with
# an attempt and a log line, filled through the engine (Nagare.Bench pipeline-year: PipelineService.StartAsync per
# day + a PipelineWorker draining the run with a no-op executor that logs one line, on a clock moving a second per
# task), into SQLite and into PostgreSQL (a throw-away server, scripts/pg-test-server). Then the store reads behind
# `runs list` and `runs show` (median of 20 in that process), and the CLI commands end to end (best of 3, process
# start included).
# Usage: bench/pipelines/year.sh [RUNS_PER_YEAR]
source "$(dirname "$0")/common.sh"
days="${1:-365}"
build_nagare
start_pg

# The CLI's own output is not wanted here (only its time).
silent() { "$@" >/dev/null 2>&1; }

cli_times() {
  local store="$1" project="$2" mid="$3" list show
  list=$(for ((r = 0; r < 3; r++)); do wall silent nagare runs list --store "$store" -p "$project"; done | best)
  show=$(for ((r = 0; r < 3; r++)); do wall silent nagare runs show "$mid" --store "$store" -p "$project"; done | best)
  startup=$(for ((r = 0; r < 3; r++)); do wall silent nagare --version; done | best)
  printf '| `nagare runs list` (CLI, whole process) | %.0f ms | |\n' "$(echo "$list * 1000" | bc -l)"
  printf '| `nagare runs show %s` (CLI, whole process) | %.0f ms | |\n' "$mid" "$(echo "$show * 1000" | bc -l)"
  printf '| `nagare --version` (process start, for reference) | %.0f ms | |\n' "$(echo "$startup * 1000" | bc -l)"
}

for kind in sqlite postgresql; do
  project="$work/$kind"
  if [[ "$kind" == sqlite ]]; then store="$work/$kind/.nagare/metadata.db"; else store="$(pg_store year)"; fi
  log "$kind: filling $days runs; load $(load)"
  bench_program pipeline-year "$store" "$project" "$days" >"$work/$kind.out"
  mid="$(sed -n 's/^mid //p' "$work/$kind.out")"
  {
    echo
    echo "$kind store, $days runs of a 100-step daily pipeline, $(machine), load average $(load)"
    echo
    echo "| measurement | median of 20 | |"
    echo "| --- | ---: | --- |"
    grep '^|' "$work/$kind.out"
    cli_times "$store" "$project" "$mid"
    [[ "$kind" == sqlite ]] && echo "| store file size | $(du -m "$store" | cut -f1) MB | |"
    [[ "$kind" == postgresql ]] && echo "| tasks / attempts / log lines in the store | $(psql -qAt -c "SELECT (SELECT count(*) FROM year.tasks) || ' / ' || (SELECT count(*) FROM year.attempts) || ' / ' || (SELECT count(*) FROM year.task_logs)") | |"
  } >"$work/$kind.md"
  cat "$work/$kind.md"
done
