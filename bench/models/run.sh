#!/usr/bin/env bash
# Compile benchmark: 5,000 generated models. Measures, in one run on this machine:
#   - the file-read floor: cat of every model file;
#   - a cold `nagare compile` (no target/ folder: every file rendered, compiled SQL and manifest written);
#   - a warm recompile (nothing changed) and a one-file-edit recompile (only that file is rendered again).
# Usage: bench/models/run.sh [MODELS]   (default 5000)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
models="${1:-5000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Built as ./nagare builds it (Release, ReadyToRun).
"$root/scripts/publish" "$root/src/Nagare.Cli/Nagare.Cli.csproj" "$root/.cache/bench-cli" >/dev/null
nagare="$root/.cache/bench-cli/nagare"
node "$here/generate.mjs" "$work/project" "$models"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
best() { sort -n | head -1; }

floor=$(for i in 1 2 3; do t=$(date +%s%N); find "$work/project/models" -name '*.sql' -print0 | xargs -0 cat > /dev/null; ms "$t"; done | best)
startup=$(for i in 1 2 3; do t=$(date +%s%N); "$nagare" --version > /dev/null; ms "$t"; done | best)
# "Cold" = no target/ folder. The previous output is moved aside, not deleted, before the timed run: on a
# volume mounted with online discard, deleting 8,000 files makes the kernel trim their blocks during the
# next seconds, which would be charged to the compile that follows.
cold_run() { mv "$work/project/target" "$work/old-target-$1" 2>/dev/null || true; sync; local t; t=$(date +%s%N); "$nagare" compile --project "$work/project" > /dev/null; ms "$t"; }
cold=$(for i in 1 2 3; do cold_run "$i"; done | best)
warm=$(for i in 1 2 3; do t=$(date +%s%N); "$nagare" compile --project "$work/project" > /dev/null; ms "$t"; done | best)
edit=$(for i in 1 2 3; do
  file=$(find "$work/project/models/mart" -name '*.sql' | head -1)
  echo "-- edit $i" >> "$file"
  t=$(date +%s%N); "$nagare" compile --project "$work/project" > /dev/null; ms "$t"
done | best)

cpu() { local out; out=$( { /usr/bin/env bash -c 'TIMEFORMAT="%U %S"; time "$@" > /dev/null' _ "$@"; } 2>&1 | tail -1); awk -v u="${out% *}" -v s="${out#* }" 'BEGIN { printf "%d", (u + s) * 1000 }'; }
mv "$work/project/target" "$work/old-target-cpu"; sync
cold_cpu=$(cpu "$nagare" compile --project "$work/project")
warm_cpu=$(cpu "$nagare" compile --project "$work/project")

echo "models: $models ($(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg))"
echo "file-read floor (cat of all model files): ${floor} ms"
echo "nagare --version (process start):          ${startup} ms"
echo "cold nagare compile:                        ${cold} ms"
echo "warm nagare compile (nothing changed):      ${warm} ms"
echo "one-file-edit recompile:                    ${edit} ms"
echo "cpu time (user+sys) cold / warm compile:    ${cold_cpu} ms / ${warm_cpu} ms"
