#!/usr/bin/env bash
# Scheduling overhead: a no-op DAG of TASKS tasks (default 10,000), every task `true`, run by GNU make -j2 and by
# `nagare pipeline run dag` (embedded SQLite store, in-process worker of default slots) in the same run.
# Shape: a root; 99 chains after it (fan-out), each a chain of steps; a `for_each` step of many items after the
# root; a final step after every chain and the fan-out (fan-in). The Makefile has one target per task with the
# same dependencies, each running `@true`. Best of RUNS (3) each; every Nagare round gets a new metadata store.
# Then, unless PROFILE=0, Nagare.Bench's `pipeline-dag` case runs the same pipeline through the engine with a
# no-op executor (no process started) and prints where the time per task goes.
# Usage: bench/pipelines/dag.sh [TASKS]
source "$(dirname "$0")/common.sh"
tasks="${1:-10000}"
chains=99
((tasks >= 1000)) || chains=9
# Chains take about 99 % of the tasks; the fan-out step the rest (at least one item).
per=$(( (tasks - 2) * 99 / 100 / chains ))
items=$(( tasks - 2 - chains * per ))
((per >= 1 && items >= 1)) || { echo "TASKS too small" >&2; exit 1; }

build_nagare
project="$work/project"
mkdir -p "$project/pipelines"
printf 'name: dagbench\n' >"$project/nagare.yml"
{
  echo "name: dag"
  echo "steps:"
  echo "  - name: root"
  echo '    command: ["true"]'
  for ((c = 0; c < chains; c++)); do
    for ((s = 0; s < per; s++)); do
      echo "  - name: c${c}_$s"
      echo '    command: ["true"]'
      if ((s == 0)); then echo "    after: [root]"; else echo "    after: [c${c}_$((s - 1))]"; fi
    done
  done
  echo "  - name: fan"
  echo '    command: ["true"]'
  echo "    after: [root]"
  echo "    for_each:"
  printf '      items: ['; for ((i = 0; i < items; i++)); do ((i > 0)) && printf ', '; printf 'i%d' "$i"; done; echo ']'
  echo "  - name: final"
  echo '    command: ["true"]'
  printf '    after: [fan'; for ((c = 0; c < chains; c++)); do printf ', c%d_%d' "$c" $((per - 1)); done; echo ']'
} >"$project/pipelines/dag.yml"

{
  echo ".PHONY: all root final fan"
  echo "all: final"
  printf 'root:\n\t@true\n'
  for ((c = 0; c < chains; c++)); do
    for ((s = 0; s < per; s++)); do
      if ((s == 0)); then dep=root; else dep="c${c}_$((s - 1))"; fi
      printf '.PHONY: c%d_%d\nc%d_%d: %s\n\t@true\n' "$c" "$s" "$c" "$s" "$dep"
    done
  done
  for ((i = 0; i < items; i++)); do printf '.PHONY: fan_i%d\nfan_i%d: root\n\t@true\n' "$i" "$i"; done
  printf 'fan:'; for ((i = 0; i < items; i++)); do printf ' fan_i%d' "$i"; done; echo
  printf 'final: fan'; for ((c = 0; c < chains; c++)); do printf ' c%d_%d' "$c" $((per - 1)); done; printf '\n\t@true\n'
} >"$work/Makefile"
total=$(( 2 + chains * per + items ))
log "$total tasks: root, $chains chains of $per, a fan-out of $items items, a final fan-in; load $(load)"

make_s=$(for ((r = 0; r < runs; r++)); do wall make -s -j2 -f "$work/Makefile" -C "$work"; done | best)
nagare_round() {
  rm -rf "$project/.nagare"
  nagare pipeline run dag -p "$project" -q >"$work/nagare.out" 2>&1 || { cat "$work/nagare.out" >&2; return 1; }
}
nagare_s=$(for ((r = 0; r < runs; r++)); do wall nagare_round; done | best)
ratio=$(echo "$nagare_s / $make_s" | bc -l)

echo "$total no-op tasks ($chains chains of $per, fan-out of $items, fan-in), best of $runs, $(machine), load average $(load) at the end"
echo
echo "| implementation | seconds | tasks/s | ms per task |"
echo "| --- | ---: | ---: | ---: |"
printf '| make -j2 (`@true`) | %.2f | %.0f | %.2f |\n' "$make_s" "$(echo "$total / $make_s" | bc -l)" "$(echo "$make_s * 1000 / $total" | bc -l)"
printf '| `nagare pipeline run dag` (SQLite store, in-process worker, 4 slots) | %.2f | %.0f | %.2f |\n' "$nagare_s" "$(echo "$total / $nagare_s" | bc -l)" "$(echo "$nagare_s * 1000 / $total" | bc -l)"
printf '\nnagare / make: %.2f× (target ≤ 2×)\n' "$ratio"

# The floor: .NET starting `true` as many times, two at a time, as a command step starts a program (no store, no DAG).
spawn_s=$(for ((r = 0; r < runs; r++)); do bench_program spawn "$total" 2; done | sort -n | head -1)
printf '\nfloor: .NET starting `true` %d times, two at a time, with its output read: %.2f s = %.2f× make; nagare = %.2f× that floor\n' \
  "$total" "$spawn_s" "$(echo "$spawn_s / $make_s" | bc -l)" "$(echo "$nagare_s / $spawn_s" | bc -l)"

if [[ "${PROFILE:-1}" != 0 ]]; then
  echo
  log "where the time goes: the same pipeline through the engine, no-op executor (Nagare.Bench pipeline-dag)"
  bench_program pipeline-dag "$project" dag
fi
