#!/usr/bin/env bash
# HTTP activation benchmark (not part of the test command): ROWS (1M) warehouse rows sent by `nagare activate --full`
# to a local API (bench/Nagare.Bench http-receiver: Kestrel on 127.0.0.1, counts the records of each request, answers
# 200) at RATE (2,000) requests/s, BATCH (500) records a request, CONCURRENCY (4) requests in flight.
#   - the receiver's own capacity first: closed-loop POSTs of the same 500-record body (bench/Nagare.Bench server-load);
#   - per round: the sending time as the receiver sees it (first request's arrival to last answer) against the ideal
#     time ROWS / BATCH / RATE (1.0 s), the most requests that arrived within any sliding second, and the wall time
#     of the whole `nagare activate` process (start-up, reading the warehouse, the diff, the snapshot);
#   - the machine's bound: the same rounds without a rate limit (the receiver shares these cores: sending at the
#     limit cannot be faster than sending with none), with the CPU seconds of nagare and of the receiver.
# Usage: bench/activations/http.sh   (RUNS=3 ROWS=1000000 RATE=2000 BATCH=500 CONCURRENCY=4 NO_BUILD=1 to reuse a build)
source "$(dirname "${BASH_SOURCE[0]}")/../replication/common.sh"

rows="${ROWS:-1000000}"
rate="${RATE:-2000}"
batch="${BATCH:-500}"
concurrency="${CONCURRENCY:-4}"
build_nagare

receiver_pid=""
stop_receiver() { [[ -n "$receiver_pid" ]] && kill "$receiver_pid" 2>/dev/null && wait "$receiver_pid" 2>/dev/null; cleanup; }
trap stop_receiver EXIT

# Started directly (not through the bench_program function), so $! is the receiver itself and can be stopped.
dotnet "$root/.cache/bench/Nagare.Bench.dll" http-receiver "$work/receiver.url" &
receiver_pid=$!
for _ in $(seq 1 100); do [[ -s "$work/receiver.url" ]] && break; sleep 0.1; done
url="$(cat "$work/receiver.url")"
log "receiver at $url; load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

dir="$work/act"
mkdir -p "$dir/activations"
printf 'name: bench\nwarehouse: warehouse.duckdb\n' >"$dir/nagare.yml"
# `nagare query` opens only an existing warehouse; an activation's dry run creates it.
printf 'query: select 1 as id\ndestination: { type: files, path: out/init }\n' >"$dir/activations/init.yml"
nagare activate init -p "$dir" --dry-run --json >/dev/null
rm "$dir/activations/init.yml"
# A CRM contact: a bigint key, two texts, an integer, a double (about 110 bytes of JSON).
nagare query -p "$dir" "CREATE SCHEMA mart; CREATE TABLE mart.contacts AS SELECT CAST(i AS BIGINT) AS id, 'user' || i || '@example.com' AS email, 'Customer ' || i AS name, CAST(i % 17 AS INTEGER) AS segment, i * 0.25 AS score FROM range($rows) t(i)" >/dev/null

# The receiver's capacity: the same requests as fast as it answers them.
body="[$(for i in $(seq 1 "$batch"); do printf '{"id":%d,"email":"user%d@example.com","name":"Customer %d","segment":%d,"score":%s},' "$i" "$i" "$i" $((i % 17)) "$i.25"; done | sed 's/,$//')]"
capacity="$(bench_program server-load --url "$url" --path /records --method POST --body "$body" --seconds 3 --concurrency "$concurrency")"
curl -fsS "$url/stats" >/dev/null
log "receiver capacity: $capacity"

cat >"$dir/activations/contacts.yml" <<YML
query: select * from mart.contacts
destination:
  type: http
  url: "$url/records"
  key: [id]
  batch_size: $batch
  rate_limit: { requests_per_second: $rate, concurrency: $concurrency }
YML

# CPU seconds of the receiver so far.
receiver_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$receiver_pid/stat"; }
# Runs a command and prints "seconds cpu_seconds" (its user + system CPU).
wall_and_cpu() {
  local out="$work/time.txt" TIMEFORMAT='%R %U %S'
  { time "$@" >/dev/null 2>&3 || { log "failed: $*"; kill -TERM $$; exit 1; }; } 3>&2 2>"$out"
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$out"
}

run_rounds() {
  local label="$1" round before seconds cpu receiver stats records
  for round in $(seq 1 "$runs"); do
    before="$(receiver_cpu)"
    read -r seconds cpu < <(wall_and_cpu nagare activate contacts -p "$dir" --full --json)
    receiver="$(echo "$(receiver_cpu) - $before" | bc -l)"
    stats="$(curl -fsS "$url/stats")"
    records="$(jq -r .records <<<"$stats")"
    [[ "$records" == "$rows" ]] || { log "the receiver counted $records records, not $rows: $stats"; exit 1; }
    walls+=("$seconds")
    sending+=("$(jq -r .seconds <<<"$stats")")
    windows+=("$(jq -r .maxPerSecond <<<"$stats")")
    log "$label round $round: sending ${sending[-1]} s, at most ${windows[-1]} requests in a second; nagare activate $seconds s ($cpu s CPU), receiver $(printf '%.2f' "$receiver") s CPU; load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
}

sending=() walls=() windows=()
run_rounds "limited"
limited_sending=("${sending[@]}") limited_walls=("${walls[@]}") limited_windows=("${windows[@]}")
# The same without the rate limit: how fast this machine sends and receives these requests at all.
sed -i 's/rate_limit: .*/rate_limit: { concurrency: '"$concurrency"' }/' "$dir/activations/contacts.yml"
sending=() walls=() windows=()
run_rounds "unlimited"
free_sending=("${sending[@]}")
sending=("${limited_sending[@]}") walls=("${limited_walls[@]}") windows=("${limited_windows[@]}")

ideal="$(echo "$rows / $batch / $rate" | bc -l)"
best() { printf '%s\n' "$@" | sort -n | head -1; }
printf '\nload %s, %s cores, %s\n\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf 'receiver alone, %s-record bodies, %s callers: %s requests/s\n\n' "$batch" "$concurrency" "$(jq -r .achieved <<<"$capacity")"
printf '| case | rounds (s) | best (s) | ideal (s) | best / ideal | target |\n| --- | --- | ---: | ---: | ---: | --- |\n'
printf '| %s rows, %s a request, %s requests/s, concurrency %s: sending (receiver) | %s | %.3f | %.3f | %.3f | ≤ 1.05 |\n' \
  "$rows" "$batch" "$rate" "$concurrency" "${sending[*]}" "$(best "${sending[@]}")" "$ideal" "$(echo "$(best "${sending[@]}") / $ideal" | bc -l)"
printf '| same: whole `nagare activate --full` | %s | %.2f | | | |\n' "$(printf '%.2f ' "${walls[@]}")" "$(best "${walls[@]}")"
printf '| machine bound: the same with no rate limit, sending (receiver) | %s | %.3f | | %.3f | |\n' "${free_sending[*]}" "$(best "${free_sending[@]}")" "$(echo "$(best "${free_sending[@]}") / $ideal" | bc -l)"
printf '\nmost requests arriving within any second, per round: %s (limit %s)\n' "${windows[*]}" "$rate"
