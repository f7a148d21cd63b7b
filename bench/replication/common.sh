# Shared by the replication benchmarks (sourced, not run): builds Nagare, starts a throw-away PostgreSQL
# (scripts/pg-test-server) or MariaDB (scripts/mysql-test-server), stopped on exit, and offers timing and
# project helpers.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${RUNS:-3}"
work="$(mktemp -d /tmp/nagare-bench.XXXXXX)"
pg_data=""
mysql_data=""

cleanup() {
  [[ -n "$pg_data" ]] && "$root/scripts/pg-test-server" stop "$pg_data"
  [[ -n "$mysql_data" ]] && "$root/scripts/mysql-test-server" stop "$mysql_data"
  rm -rf "$work"
}
trap cleanup EXIT

log() { printf '\033[1;34m[bench]\033[0m %s\n' "$*" >&2; }

# NO_BUILD=1 reuses the last build (when running several benchmarks in a row).
build_nagare() {
  if [[ "${NO_BUILD:-}" == 1 ]]; then
    probe_sync_runner
    return
  fi
  "$root/scripts/bootstrap" >&2
  log "building the CLI and bench/Nagare.Bench (Release)"
  "$root/scripts/publish" "$root/src/Nagare.Cli/Nagare.Cli.csproj" "$root/.cache/bench-cli" >&2
  "$root/scripts/publish" "$root/bench/Nagare.Bench/Nagare.Bench.csproj" "$root/.cache/bench" >&2
  probe_sync_runner
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

sql() { psql -qAt -v ON_ERROR_STOP=1 "$@"; }

# A throw-away MariaDB; `my` is its command-line client over TCP as the benchmark user (as the connection
# 'my' of make_project connects), in batch mode; the password travels in MYSQL_PWD, never on a command line.
start_mariadb() {
  local exports
  exports="$("$root/scripts/mysql-test-server" start)"
  eval "$exports"
  mysql_data="$NAGARE_TEST_MYSQL_DATA"
  MYSQL_PWD="$(sed -n 's/.*Password=\([^;]*\);.*/\1/p' <<<"$NAGARE_TEST_MYSQL")"
  export MYSQL_PWD
  log "MariaDB $(my -N -e 'SELECT VERSION()') on port $NAGARE_TEST_MYSQL_PORT ($mysql_data)"
}

my() { mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$NAGARE_TEST_MYSQL_PORT" -u nagare --batch "$@"; }

# create_many_tables TABLES SCHEMAS: empty tables of five columns, d1.t1 … dSCHEMAS.tN, for discovery benchmarks.
create_many_tables() {
  local tables="$1" schemas="$2" per_schema=$(($1 / $2)) s
  log "creating $tables tables in $schemas schemas"
  for ((s = 1; s <= schemas; s++)); do
    sql <<SQL
CREATE SCHEMA d$s;
DO \$\$
BEGIN
  FOR t IN 1..$per_schema LOOP
    EXECUTE format('CREATE TABLE d$s.t%s (id int PRIMARY KEY, name text, amount numeric(12,2), created_at timestamptz, flag bool)', t);
    IF t % 500 = 0 THEN COMMIT; END IF;
  END LOOP;
END \$\$;
SQL
  done
  sql -c "ANALYZE" >/dev/null
}

# The many-tables benchmarks' sizes: TABLES (10,000) tables × ROWS (100) rows in SCHEMAS (10) schemas or
# databases, THREADS (4) streams at once.
many_tables_settings() {
  tables="${TABLES:-10000}" rows="${ROWS:-100}" schemas="${SCHEMAS:-10}" threads="${THREADS:-4}"
  per_schema=$((tables / schemas))
}

# fill_tables PREFIX TABLES ROWS [psql args…]: tables PREFIXt1 … PREFIXtTABLES (int key, text, numeric(12,2),
# timestamptz) of ROWS generated rows each, committed every 250 tables (PREFIX: a schema and a dot, or empty).
fill_tables() {
  local prefix="$1" count="$2" rows="$3"
  shift 3
  sql "$@" <<SQL
DO \$\$
BEGIN
  FOR t IN 1..$count LOOP
    EXECUTE format('CREATE TABLE ${prefix}t%s (id int PRIMARY KEY, name text, amount numeric(12,2), created_at timestamptz)', t);
    EXECUTE format('INSERT INTO ${prefix}t%s SELECT g, ''name '' || g, g * 1.25, timestamptz ''2024-01-01'' + g * interval ''1 minute'' FROM generate_series(1, $rows) g', t);
    IF t % 250 = 0 THEN COMMIT; END IF;
  END LOOP;
END \$\$;
SQL
}

# Seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }

# Runs a command (output to stderr) and prints its wall seconds.
wall() {
  local start end
  start="$(now)"
  # A failed case stops the benchmark rather than reporting the time of a failure.
  "$@" >&2 || { log "failed: $*"; kill -TERM $$; exit 1; }
  end="$(now)"
  echo "$end - $start" | bc -l
}

# CPU seconds the database server has used so far: PostgreSQL's finished backends (the postmaster's reaped
# children), or the MariaDB server's own (one process, a thread per session).
server_cpu() {
  if [[ -n "$pg_data" ]]; then
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($16 + $17) / hz }' "/proc/$(head -1 "$pg_data/db/postmaster.pid")/stat"
  else
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$(cat "$mysql_data/mysqld.pid")/stat"
  fi
}

# Runs a command (output to stderr) and prints "seconds client_cpu server_cpu": its wall time, its own user +
# system CPU (bash's time) and the CPU of the database server that served it (for PostgreSQL: the backends of
# sessions that ended meanwhile).
wall_cpu() {
  local out="$work/time.txt" before after TIMEFORMAT='%R %U %S'
  before="$(server_cpu)"
  # Bash's own `time` (not GNU time) so that shell functions can be timed; it counts their child processes.
  { time "$@" >&3 2>&3 || { log "failed: $*"; kill -TERM $$; exit 1; }; } 3>&2 2>"$out"
  # The postmaster adds a backend's CPU to its own children's only once it has reaped the ended session.
  sleep 0.5
  after="$(server_cpu)"
  awk -v b="$before" -v a="$after" '{ printf "%s %.2f %.2f\n", $1, $2 + $3, a - b }' "$out"
}

# Runs a command and prints "seconds max_rss_mb" from GNU time.
wall_rss() {
  local out="$work/time.txt"
  /usr/bin/time -f '%e %M' -o "$out" "$@" >&2
  awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$out"
}

# A project folder with connection 'pg' or 'my' (the benchmark's PostgreSQL or MariaDB, `type: mariadb`),
# 'out' (a files connection writing Parquet) and the built-in warehouse (block size from BLOCK_SIZE when set).
make_project() {
  local dir="$1" parallelism="${2:-4}"
  mkdir -p "$dir/connections" "$dir/syncs"
  cat >"$dir/nagare.yml" <<YML
name: bench
warehouse: warehouse.duckdb
defaults:
  parallelism: $parallelism
  max_concurrency: $parallelism
YML
  # BLOCK_SIZE=16384 (or 262144) sets the warehouse file's block size; the default otherwise.
  if [[ -n "${BLOCK_SIZE:-}" ]]; then echo "warehouse_block_size: $BLOCK_SIZE" >>"$dir/nagare.yml"; fi
  # COMPRESSION=light sets the warehouse's compression (nagare.yml warehouse_compression); auto otherwise.
  if [[ -n "${COMPRESSION:-}" ]]; then echo "warehouse_compression: $COMPRESSION" >>"$dir/nagare.yml"; fi
  if [[ -n "$pg_data" ]]; then
    cat >"$dir/connections/pg.yml" <<YML
name: pg
type: postgres
host: 127.0.0.1
port: $PGPORT
database: nagare_test
user: nagare
max_concurrency: $parallelism
YML
  fi
  if [[ -n "$mysql_data" ]]; then
    cat >"$dir/connections/my.yml" <<YML
name: my
type: mariadb
host: 127.0.0.1
port: $NAGARE_TEST_MYSQL_PORT
database: nagare_test
user: nagare
password: \${MYSQL_PWD}
max_concurrency: $parallelism
YML
  fi
  cat >"$dir/connections/out.yml" <<YML
name: out
type: files
path: out
format: parquet
YML
}

# Writes syncs/NAME.yml: SOURCE → DESTINATION for streams matching SELECT, in MODE (extra YAML lines in $5).
make_sync() {
  local dir="$1" name="$2" source="$3" destination="$4" select="$5" mode="${6:-full_refresh}" extra="${7:-}"
  cat >"$dir/syncs/$name.yml" <<YML
name: $name
source: $source
destination: $destination
target_schema: bench
streams:
  - select: "$select"
    mode: $mode
$extra
YML
}

# How a user runs a sync: `nagare sync NAME --json`. When the CLI's registry lacks the duckdb type (the
# warehouse), the same SyncRunner runs through bench/Nagare.Bench, which registers every built-in type.
sync_runner="cli"
probe_sync_runner() {
  local probe="$work/probe"
  mkdir -p "$probe/connections"
  printf 'name: probe\n' >"$probe/nagare.yml"
  printf 'name: w\ntype: duckdb\npath: probe.duckdb\n' >"$probe/connections/w.yml"
  local answer
  answer="$(nagare connection test w -p "$probe" 2>&1 || true)"
  if [[ "$answer" == *"unknown connector type"* ]]; then
    sync_runner="bench"
    log "this CLI does not register the duckdb type yet: syncs run through bench/Nagare.Bench (same SyncRunner)"
  fi
}

run_sync() {
  local dir="$1" name="$2" out="$3"
  local rc=0
  if [[ "$sync_runner" == cli ]]; then
    nagare sync "$name" --json -p "$dir" >"$out" 2>"$out.err" || rc=$?
  else
    bench_program sync "$dir" "$name" >"$out" 2>"$out.err" || rc=$?
  fi
  if ((rc != 0)); then
    cat "$out" "$out.err" >&2
    return 1
  fi
}

# Runs one sync as its own process (as run_sync does) under GNU time and prints
# "seconds client_cpu server_cpu max_rss_mb": the sync process's user + system CPU and peak memory, and the
# CPU of the database server that served it.
measure_sync() {
  local dir="$1" name="$2" out="$3" times="$work/gnu-time.txt" before after
  local command=(dotnet "$root/.cache/bench-cli/nagare.dll" sync "$name" --json -p "$dir")
  [[ "$sync_runner" == cli ]] || command=(dotnet "$root/.cache/bench/Nagare.Bench.dll" sync "$dir" "$name")
  before="$(server_cpu)"
  if ! /usr/bin/time -f '%e %U %S %M' -o "$times" "${command[@]}" >"$out" 2>"$out.err"; then
    cat "$out" "$out.err" >&2
    log "failed: ${command[*]}"
    kill -TERM $$
    exit 1
  fi
  sleep 0.5
  after="$(server_cpu)"
  awk -v b="$before" -v a="$after" '{ printf "%s %.2f %.2f %.0f\n", $1, $2 + $3, a - b, $4 / 1024 }' "$times"
}

sync_command() {
  if [[ "$sync_runner" == cli ]]; then echo "nagare sync $1 --json"; else echo "Nagare.Bench sync PROJECT $1"; fi
}

# Prints a machine line for the reports.
machine() {
  local server
  if [[ -n "$pg_data" ]]; then server="PostgreSQL $(sql -c 'SHOW server_version' | cut -d' ' -f1)"; else server="MariaDB $(my -N -e 'SELECT VERSION()' | cut -d- -f1)"; fi
  printf '%s cores, %s, %s GB RAM, %s, %s, load average %s' "$(nproc)" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" \
    "$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" \
    "$server" "$(date -u +%Y-%m-%d)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ -n "${BLOCK_SIZE:-}" ]]; then printf '; warehouse_block_size %s' "$BLOCK_SIZE"; fi
}

# One Markdown row of the throughput tables: TABLE ROWS HOW SECONDS REFERENCE_SECONDS TWO_STEP_SECONDS CPU; the
# two-step job's seconds (empty for rows without one) give the "faster than the two-step job" column.
throughput_row() {
  local table="$1" rows="$2" how="$3" secs="$4" ref="$5" two="$6" cpu="$7" versus=""
  if [[ -n "$two" ]]; then versus="$(printf '%.2f×' "$(echo "$two / $secs" | bc -l)") (target ≥ 1.25×)"; fi
  printf '| %s | %s | %s | %.2f | %s | %.2f× | %s | %s |\n' "$table" "$(fmt_int "$rows")" "$how" "$secs" \
    "$(fmt_int "$(echo "$rows / $secs" | bc -l)")" "$(echo "$ref / $secs" | bc -l)" "$versus" "$cpu"
}

# Best (smallest) of numbers on stdin.
best() { sort -g | head -1; }

fmt_int() { printf "%'.0f" "$1"; }
