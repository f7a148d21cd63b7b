#!/usr/bin/env bash
# Load on the REST API of `nagare serve` (bench/Nagare.Bench server-load), while a sync runs:
#   a. GET /api/v1/runs      open loop, RATE (1000) requests/s for SECONDS (60) s, each latency from its due time
#   b. GET /api/v1/datasets  the same
#   c. POST /api/v1/query    closed loop, QUERY_CONCURRENCY (8) callers for QUERY_SECONDS (30) s:
#                            SELECT region, sum(amount) FROM mart_sales.orders GROUP BY region (100,000 rows)
#   bounds: GET /api/v1/health (anonymous, one store read) at the same rate; and a. and b. again with no sync
#   running (BOUNDS=0 leaves these out).
# The project: a warehouse with mart_sales.orders (made before the server starts), a SQLite file of SOURCE_ROWS
# (2,000,000) rows, a sync `copy_events` of it into the warehouse and a pipeline `load` running it; one run of `load`
# is started as soon as the previous one ends, for as long as a case that wants it lasts. The client is an analyst
# with an API token (grants checked as for a real caller). Client and server share the machine's cores.
#
#   bench/server/load.sh                                    the full run (about 10 minutes after the build)
#   SECONDS_PER_CASE=10 QUERY_SECONDS=5 bench/server/load.sh  a quick trial
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rate="${RATE:-1000}"
duration="${SECONDS_PER_CASE:-60}"
warmup="${WARMUP:-5}"
connections="${CONCURRENCY:-64}"
query_concurrency="${QUERY_CONCURRENCY:-8}"
query_seconds="${QUERY_SECONDS:-30}"
source_rows="${SOURCE_ROWS:-2000000}"
slots="${SLOTS:-2}"
work="$(mktemp -d /tmp/nagare-server-load.XXXXXX)"
project="$work/project"
server_pid=""
syncs_pid=""
watchdog=""

cleanup() {
  if [[ -n "$watchdog" ]]; then pkill -P "$watchdog" 2>/dev/null || true; kill "$watchdog" 2>/dev/null || true; fi
  [[ -n "$syncs_pid" ]] && kill "$syncs_pid" 2>/dev/null && wait "$syncs_pid" 2>/dev/null
  if [[ -n "$server_pid" ]]; then
    kill -INT "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Everything is bounded: the whole benchmark stops after LIMIT (1800) seconds.
( sleep "${LIMIT:-1800}"; kill -TERM $$ ) 2>/dev/null &
watchdog=$!

log() { printf '\033[1;34m[bench]\033[0m %s\n' "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
fail() { log "$*"; [[ -f "$work/serve.log" ]] && tail -20 "$work/serve.log" >&2; exit 1; }

# NO_BUILD=1 reuses the last build. A plain Release build: the server is measured after a warm-up, where
# ReadyToRun (scripts/publish) changes nothing but the start.
if [[ "${NO_BUILD:-}" != 1 ]]; then
  "$root/scripts/bootstrap" >&2
  log "building the CLI and bench/Nagare.Bench (Release)"
  dotnet build "$root/src/Nagare.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
  dotnet build "$root/bench/Nagare.Bench" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
fi
cli="$root/src/Nagare.Cli/bin/Release/net10.0/nagare.dll"
nagare() { timeout 600 dotnet "$cli" "$@"; }
bench_program() { timeout $((duration * 3 + 120)) dotnet "$root/bench/Nagare.Bench/bin/Release/net10.0/Nagare.Bench.dll" "$@"; }

log "project in $project: SQLite source of $source_rows rows, mart_sales.orders of 100,000 rows"
mkdir -p "$project/connections" "$project/syncs" "$project/pipelines" "$project/data"
printf 'name: serverload\n' >"$project/nagare.yml"
printf 'name: app\ntype: sqlite\npath: data/app.db\nread_only: true\n' >"$project/connections/app.yml"
cat >"$project/syncs/copy_events.yml" <<YML
name: copy_events
source: app
destination: warehouse
target_schema: raw
streams:
  - select: main.events
    mode: full_refresh
YML
cat >"$project/pipelines/load.yml" <<YML
name: load
steps:
  - sync: copy_events
YML
printf 'name: tick\nsteps:\n  - name: noop\n    command: ["true"]\n' >"$project/pipelines/tick.yml"
sqlite3 "$project/data/app.db" <<SQL
CREATE TABLE events (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, kind TEXT NOT NULL, amount DOUBLE NOT NULL, at TIMESTAMP NOT NULL);
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $source_rows)
INSERT INTO events SELECT i, i % 50000, 'kind ' || (i % 17), (i % 1000) * 0.25, datetime(1700000000 + i, 'unixepoch') FROM g;
SQL
# A first sync from the command line creates the warehouse file, which `nagare query` then writes to.
nagare sync copy_events -p "$project" >/dev/null
nagare query -p "$project" "CREATE SCHEMA mart_sales;
CREATE TABLE mart_sales.orders AS SELECT i AS id, ['tokyo', 'osaka', 'nagoya', 'fukuoka', 'sapporo'][1 + i % 5] AS region,
  (i % 997) * 1.5 AS amount, DATE '2026-01-01' + CAST(i % 365 AS INTEGER) AS ordered_on FROM range(100000) t(i);
CREATE SCHEMA dwh_secret; CREATE TABLE dwh_secret.customers AS SELECT 1 AS id, 'someone@example.com' AS email;" >/dev/null

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
url="http://127.0.0.1:$port"
dotnet "$cli" serve --listen "127.0.0.1:$port" --slots "$slots" -p "$project" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 150); do
  [[ -f "$project/.nagare/server.json" ]] && curl -fsS "$url/api/v1/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server stopped"
  sleep 0.2
done
key="$(jq -r .key "$project/.nagare/server.json")" || fail "no .nagare/server.json"

# api METHOD PATH [JSON] [curl options...]: the answer's body; fails on a non-2xx answer.
api() {
  local method="$1" path="$2" body="${3:-}" extra=()
  shift 3 || shift $#
  [[ -n "$body" ]] && extra=(-H 'Content-Type: application/json' --data "$body")
  curl -fsS --max-time 30 -X "$method" "$url$path" -H "Authorization: Bearer $key" "${extra[@]}" "$@"
}

log "an analyst (mart_sales* granted, dwh_secret not) with an API token"
etag="$(curl -fsS -D - -o /dev/null "$url/api/v1/roles/analyst" -H "Authorization: Bearer $key" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')"
api PUT /api/v1/roles/analyst '{"level":"analyst","grants":[{"pattern":"mart_sales*","privilege":"read"},{"pattern":"raw","privilege":"read"}]}' -H "If-Match: $etag" >/dev/null
password="analyst-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
api POST /api/v1/users "{\"name\":\"analyst-user\",\"role\":\"analyst\",\"password\":\"$password\"}" >/dev/null
session="$(curl -fsS -D "$work/session.headers" "$url/api/v1/session" -H 'Content-Type: application/json' --data "{\"name\":\"analyst-user\",\"password\":\"$password\"}")"
csrf="$(jq -r .csrf_token <<<"$session")"
cookies="$(tr -d '\r' <"$work/session.headers" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | paste -sd';' -)"
token="$(curl -fsS "$url/api/v1/tokens" -H 'Content-Type: application/json' -H "Cookie: $cookies" -H "X-CSRF-Token: $csrf" \
  --data '{"name":"load"}' | jq -r .secret)"
[[ "$token" == ngr_* ]] || fail "no analyst token"

# Runs `load` again and again (a new run when the last one ended) until killed.
keep_syncing() {
  while true; do
    local id state
    id="$(api POST /api/v1/pipelines/load/runs '{}' | jq -r .id)" || { sleep 1; continue; }
    while state="$(api GET "/api/v1/runs/$id" | jq -r .run.state)" && [[ "$state" == queued || "$state" == running ]]; do sleep 0.5; done
    echo "$id $state" >>"$work/syncs.txt"
  done
}

# One sync alone first, so the figures below say how long one takes.
log "one sync of $source_rows rows alone"
sync_start="$(date +%s.%N)"
id="$(api POST /api/v1/pipelines/load/runs '{}' | jq -r .id)"
while state="$(api GET "/api/v1/runs/$id" | jq -r .run.state)" && [[ "$state" == queued || "$state" == running ]]; do sleep 0.2; done
[[ "$state" == succeeded ]] || fail "the sync run $id ended $state"
sync_seconds="$(echo "$(date +%s.%N) - $sync_start" | bc -l)"
log "sync alone: $(printf '%.1f' "$sync_seconds") s"

# Some history, so a page of runs is a full page (50) as on a server in use: 60 runs of a no-op pipeline.
for _ in $(seq 60); do api POST /api/v1/pipelines/tick/runs '{}' >/dev/null; done
while [[ "$(api GET '/api/v1/runs?state=queued&limit=1' | jq '.items | length') $(api GET '/api/v1/runs?state=running&limit=1' | jq '.items | length')" != "0 0" ]]; do sleep 2; done

results="$work/results.txt"
# CPU seconds the server process has used so far (user + system).
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$server_pid/stat"; }
# measure LABEL SYNCING(yes|no) WARMUP_SECONDS ARGS...: one server-load case; prints its JSON line into the results.
measure() {
  local label="$1" syncing="$2" warm="$3"
  shift 3
  if [[ "$syncing" == yes ]]; then keep_syncing & syncs_pid=$!; fi
  log "$label (syncing: $syncing); load $(load)"
  local line cpu_before cpu_after
  cpu_before="$(server_cpu)"
  line="$(bench_program server-load --url "$url" --warmup "$warm" "$@")" || fail "server-load failed: $label"
  cpu_after="$(server_cpu)"
  # The server's CPU over the case and its warm-up (at the same pace), per 2xx answer: what one request costs,
  # whatever else loads the machine. With a sync running it includes the sync's (same process): left out then.
  line="$(jq -c --argjson cpu "$(echo "$cpu_after - $cpu_before" | bc -l)" --arg sync "$syncing" --argjson warm "$warm" \
    '. + {cpuMsPerRequest: (if $sync == "yes" then null else ($cpu * 1000 / ((.achieved * (.seconds + $warm)) + 0.001) | . * 100 | round / 100) end), serverCores: ($cpu / (.seconds + $warm) | . * 100 | round / 100)}' <<<"$line")"
  if [[ "$syncing" == yes ]]; then
    kill "$syncs_pid" 2>/dev/null; wait "$syncs_pid" 2>/dev/null || true; syncs_pid=""
    # Let the last run end so the next case starts alike.
    while [[ "$(api GET '/api/v1/runs?state=running&limit=1' | jq '.items | length')" != 0 ]]; do sleep 1; done
  fi
  log "  $line"
  echo "$label|$syncing|$(load)|$line" >>"$results"
}

open=(--rate "$rate" --seconds "$duration" --concurrency "$connections")
measure "GET /api/v1/runs" yes "$warmup" --token "$token" --path /api/v1/runs "${open[@]}"
measure "GET /api/v1/datasets" yes "$warmup" --token "$token" --path /api/v1/datasets "${open[@]}"
query='{"sql":"SELECT region, sum(amount) FROM mart_sales.orders GROUP BY region"}'
measure "POST /api/v1/query" yes 3 --token "$token" --path /api/v1/query --method POST --body "$query" \
  --concurrency "$query_concurrency" --seconds "$query_seconds"
if [[ "${BOUNDS:-1}" == 1 ]]; then
  measure "GET /api/v1/health (anonymous)" yes "$warmup" --path /api/v1/health "${open[@]}"
  measure "GET /api/v1/runs" no "$warmup" --token "$token" --path /api/v1/runs "${open[@]}"
  measure "GET /api/v1/datasets" no "$warmup" --token "$token" --path /api/v1/datasets "${open[@]}"
  measure "GET /api/v1/health (anonymous)" no "$warmup" --path /api/v1/health "${open[@]}"
  measure "POST /api/v1/query" no 3 --token "$token" --path /api/v1/query --method POST --body "$query" \
    --concurrency "$query_concurrency" --seconds "$query_seconds"
fi
synced="$(wc -l <"$work/syncs.txt" 2>/dev/null || echo 0)"
failed="$(grep -vc succeeded "$work/syncs.txt" 2>/dev/null || true)"

echo
echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), client and server on the same cores;" \
  "$(date -u +%Y-%m-%d); \`nagare serve --slots $slots\`; one sync of $source_rows rows alone: $(printf '%.1f' "$sync_seconds") s;" \
  "sync runs during the cases: $synced ($failed not succeeded); wrk: $(command -v wrk || echo 'not installed')"
echo
echo "| request | sync running | mode | asked | 2xx answers/s | errors | p50 ms | p90 ms | p99 ms | max ms | client send lag p99 ms | server CPU ms per request | server cores busy | load avg (1/5/15 min) |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
while IFS='|' read -r label syncing loadavg line; do
  jq -r --arg request "$label" --arg sync "$syncing" --arg avg "$loadavg" \
    '"| \($request) | \($sync) | \(if .mode == "open" then "open loop" else "closed loop, \(.concurrency) callers" end) | \(if .rate then "\(.rate)/s" else "as fast as answered" end) | \(.achieved) | \(.errors) | \(.p50) | \(.p90) | \(.p99) | \(.max) | \(if .mode == "open" then .sendLagP99 else "–" end) | \(.cpuMsPerRequest // "–") | \(.serverCores) | \($avg) |"' <<<"$line"
done <"$results"
