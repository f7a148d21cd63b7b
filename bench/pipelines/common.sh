# Shared by the pipeline benchmarks (sourced, not run): builds the CLI and bench/Nagare.Bench like
# bench/replication/common.sh, a temp folder removed on exit, and a throw-away PostgreSQL on demand.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${RUNS:-3}"
work="$(mktemp -d /tmp/nagare-pipelines.XXXXXX)"
pg_data=""
background=()

cleanup() {
  local pid
  for pid in "${background[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${background[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -n "$pg_data" ]] && "$root/scripts/pg-test-server" stop "$pg_data"
  rm -rf "$work"
}
trap cleanup EXIT

log() { printf '\033[1;34m[bench]\033[0m %s\n' "$*" >&2; }

# NO_BUILD=1 reuses the last build (when running several benchmarks in a row).
build_nagare() {
  [[ "${NO_BUILD:-}" == 1 ]] && return
  "$root/scripts/bootstrap" >&2
  log "building the CLI and bench/Nagare.Bench (Release, ReadyToRun)"
  "$root/scripts/publish" "$root/src/Nagare.Cli/Nagare.Cli.csproj" "$root/.cache/bench-cli" >&2
  "$root/scripts/publish" "$root/bench/Nagare.Bench/Nagare.Bench.csproj" "$root/.cache/bench" >&2
}

nagare() { dotnet "$root/.cache/bench-cli/nagare.dll" "$@"; }
bench_program() { dotnet "$root/.cache/bench/Nagare.Bench.dll" "$@"; }

start_pg() {
  local exports
  exports="$("$root/scripts/pg-test-server" start)"
  eval "$exports"
  pg_data="$NAGARE_TEST_PG_DATA"
  export PGHOST=127.0.0.1 PGPORT="$NAGARE_TEST_PG_PORT" PGUSER=nagare PGDATABASE=nagare_test
  log "PostgreSQL $(psql -qAt -c 'SHOW server_version') on port $PGPORT ($pg_data)"
}

# A store URL for a new, empty schema of the benchmark server (each case gets its own tables).
pg_store() {
  local schema="$1"
  psql -qAt -v ON_ERROR_STOP=1 -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >&2
  echo "postgresql://nagare@127.0.0.1:$PGPORT/nagare_test?search_path=$schema"
}

now() { date +%s.%N; }

# Runs a command (output to stderr) and prints its wall seconds; a failure stops the benchmark.
wall() {
  local start end
  start="$(now)"
  "$@" >&2 || { log "failed: $*"; kill -TERM $$; exit 1; }
  end="$(now)"
  echo "$end - $start" | bc -l
}

best() { sort -g | head -1; }

load() { cut -d' ' -f1-3 /proc/loadavg; }

machine() {
  printf '%s cores, %s, %s GB RAM, %s' "$(nproc)" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" \
    "$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" "$(date -u +%Y-%m-%d)"
}
