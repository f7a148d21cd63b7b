#!/usr/bin/env bash
# Web UI benchmark: the web UI's targets measured in headless Chromium (Debian's /usr/bin/chromium) against real
# `nagare serve` processes on 127.0.0.1, by bench/web/Nagare.Bench.Web (Microsoft.Playwright). Prints Markdown.
#   1. Home, first load with a cold browser cache (a new context per run, session cookie set beforehand so signing
#      in is not timed): until "Overview" and the day's cards are painted and the last response is in; beside it
#      the same navigation to /api/v1/health (the floor of a browser navigation to this server).
#   2. Table picker over TABLES (100,000) tables in SCHEMAS (100) schemas of a private PostgreSQL
#      (scripts/pg-test-server): first page of the discovery list, each next page on scrolling to the end, and the
#      longest frame gap / long tasks during 50 fast scroll steps; beside it `nagare connection discover pg --json`.
#   3. Lineage in the 5,000-model project of bench/models/generate.mjs: opening /models/NAME (a mart) and clicking
#      a neighbour node until the graph is drawn around it; beside it GET /api/v1/models.
# Medians of RUNS (7) loads (3 for the picker's first page, 5 for the lineage). Everything is bounded by LIMIT
# (1,800) seconds; servers, browser and database are stopped on exit. Before measuring it waits up to QUIET_WAIT
# (600) s for the 1-minute load average to fall below QUIET_LOAD (2.5); the load is printed with the figures.
#
#   bench/web/run.sh                                  the full run (table creation takes a few minutes)
#   TABLES=10000 RUNS=3 bench/web/run.sh              a quick trial
#   CASES=home NO_BUILD=1 bench/web/run.sh            one case, reusing the last build
source "$(dirname "${BASH_SOURCE[0]}")/../replication/common.sh"
here="$root/bench/web"
tables="${TABLES:-100000}"
schemas="${SCHEMAS:-100}"
models="${MODELS:-5000}"
cases="${CASES:-home,picker,lineage}"
# RUNS in common.sh counts rounds of the CLI reference; the browser loads have their own count.
page_runs="${PAGE_RUNS:-7}"

watchdog=""
stop_all() {
  if [[ -n "$watchdog" ]]; then kill "$watchdog" 2>/dev/null || true; fi
  cleanup
}
trap stop_all EXIT
trap 'exit 130' INT TERM
( sleep "${LIMIT:-1800}"; log "time limit reached"; kill -TERM $$ ) 2>/dev/null &
watchdog=$!

if [[ "${NO_BUILD:-}" != 1 ]]; then
  "$root/scripts/bootstrap" --web >&2
  log "building the CLI (Release, ReadyToRun) and bench/web (Release)"
  "$root/scripts/publish" "$root/src/Nagare.Cli/Nagare.Cli.csproj" "$root/.cache/bench-cli" >&2
  dotnet build "$here/Nagare.Bench.Web.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
fi
cli="$root/.cache/bench-cli/nagare.dll"
[[ -f "$root/web/dist/index.html" ]] || { log "web/dist is not built: run scripts/bootstrap --web"; exit 1; }

app="$work/app"
cli_seconds="NaN"
if [[ "$cases" == *home* || "$cases" == *picker* ]]; then
  timeout 120 dotnet "$cli" init "$app" >&2
fi
if [[ "$cases" == *picker* ]]; then
  start_pg
  create_many_tables "$tables" "$schemas"
  cat >"$app/connections/pg.yml" <<YML
name: pg
type: postgres
host: 127.0.0.1
port: $PGPORT
database: nagare_test
user: nagare
sslmode: disable
YML
  results="$work/discover.txt"
  for ((i = 1; i <= runs; i++)); do
    log "nagare connection discover pg --json, round $i/$runs"
    wall sh -c "timeout 300 dotnet '$cli' connection discover pg --json -p '$app' >/dev/null" >>"$results"
  done
  cli_seconds="$(best <"$results")"
fi

if [[ "$cases" == *lineage* ]]; then
  log "generating $models models"
  node "$root/bench/models/generate.mjs" "$work/models" "$models" >&2
  timeout 300 dotnet "$cli" compile --project "$work/models" >/dev/null
fi

# Other work on the machine shows in every figure: wait (at most QUIET_WAIT, 600 s) for the 1-minute load average
# to fall below QUIET_LOAD (2.5), and report the load either way.
for ((waited = 0; waited < ${QUIET_WAIT:-600}; waited += 10)); do
  awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v q="${QUIET_LOAD:-2.5}" 'BEGIN { exit !(l < q) }' && break
  ((waited % 60 == 0)) && log "load average $(cut -d' ' -f1 /proc/loadavg): waiting for a quieter machine"
  sleep 10
done
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average before measuring: $load_before"
out="$work/report.md"
timeout "${CASE_LIMIT:-1200}" dotnet "$here/bin/Release/net10.0/Nagare.Bench.Web.dll" --cli "$cli" --web "$root/web/dist" \
  --app "$app" --connection pg --discover-seconds "$cli_seconds" --models "$work/models" --runs "$page_runs" --cases "$cases" >"$out"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

echo "## Web UI: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(date -u +%Y-%m-%d)"
echo
echo "Load average (1, 5, 15 min) before measuring: $load_before; after: $load_after."
if [[ "$cases" == *picker* ]]; then
  echo "PostgreSQL $(sql -c 'SHOW server_version' | cut -d' ' -f1): $(fmt_int "$tables") tables of 5 columns in $schemas schemas;"
  printf '`nagare connection discover pg --json` (whole process, best of %s): %.0f ms.\n' "$runs" "$(echo "$cli_seconds * 1000" | bc -l)"
fi
echo
cat "$out"
