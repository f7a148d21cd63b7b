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

dotnet build -c Release "$root/src/Nagare.Cli" -v q -nologo >/dev/null
nagare="$root/src/Nagare.Cli/bin/Release/net10.0/nagare"
node "$here/generate.mjs" "$work/project" "$models"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
best() { sort -n | head -1; }

floor=$(for i in 1 2 3; do t=$(date +%s%N); find "$work/project/models" -name '*.sql' -print0 | xargs -0 cat > /dev/null; ms "$t"; done | best)
startup=$(for i in 1 2 3; do t=$(date +%s%N); "$nagare" --version > /dev/null; ms "$t"; done | best)
cold=$(for i in 1 2 3; do rm -rf "$work/project/target"; t=$(date +%s%N); "$nagare" compile --project "$work/project" > /dev/null; ms "$t"; done | best)
warm=$(for i in 1 2 3; do t=$(date +%s%N); "$nagare" compile --project "$work/project" > /dev/null; ms "$t"; done | best)
edit=$(for i in 1 2 3; do
  file=$(find "$work/project/models/mart" -name '*.sql' | head -1)
  echo "-- edit $i" >> "$file"
  t=$(date +%s%N); "$nagare" compile --project "$work/project" > /dev/null; ms "$t"
done | best)

cpu() { local out; out=$( { /usr/bin/env bash -c 'TIMEFORMAT="%U %S"; time "$@" > /dev/null' _ "$@"; } 2>&1 | tail -1); awk -v u="${out% *}" -v s="${out#* }" 'BEGIN { printf "%d", (u + s) * 1000 }'; }
rm -rf "$work/project/target"
cold_cpu=$(cpu "$nagare" compile --project "$work/project")
warm_cpu=$(cpu "$nagare" compile --project "$work/project")

echo "models: $models ($(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg))"
echo "file-read floor (cat of all model files): ${floor} ms"
echo "nagare --version (process start):          ${startup} ms"
echo "cold nagare compile:                        ${cold} ms"
echo "warm nagare compile (nothing changed):      ${warm} ms"
echo "one-file-edit recompile:                    ${edit} ms"
echo "cpu time (user+sys) cold / warm compile:    ${cold_cpu} ms / ${warm_cpu} ms"
