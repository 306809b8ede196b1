# Sourced, not run: starts the private PostgreSQL cluster that
# .ci/pgstore.sh uses (same data directory and port, so the cluster that
# script created is reused) and exports IMPEX_POSTGRES_URL. A server this
# file started is stopped when the sourcing shell exits; one that was
# already running is left running. With IMPEX_POSTGRES_URL already set,
# nothing is installed or started.
#
# Knobs: IMPEX_PG_PORT (default 54329), IMPEX_PG_DIR (default
# /var/tmp/impex-pgstore).

pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -z "${IMPEX_POSTGRES_URL:-}" ]; then
  pg_port=${IMPEX_PG_PORT:-54329}
  pg_base=${IMPEX_PG_DIR:-/var/tmp/impex-pgstore}
  if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql </dev/null >/dev/null
  fi
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  pg_major=$(basename "$(dirname "$pg_bin")")
  pg_data="$pg_base/data"
  mkdir -p "$pg_base"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$pg_base"; fi
  if [ -f "$pg_data/PG_VERSION" ] && [ "$(cat "$pg_data/PG_VERSION")" != "$pg_major" ]; then
    pg_as "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_data"
  fi
  if [ ! -f "$pg_data/PG_VERSION" ]; then
    pg_as "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  fi
  pg_started=
  if ! pg_as "$pg_bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
    pg_as "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_base/server.log" -w -t 60 \
      -o "-p $pg_port -k $pg_base -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null ||
      { cat "$pg_base/server.log" >&2; exit 1; }
    pg_started=1
  fi
  pg_stop() {
    if [ -n "$pg_started" ]; then
      pg_as "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
    fi
  }
  trap pg_stop EXIT
  pg_psql=("$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -X -q -t -A)
  if [ "$("${pg_psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'impex'")" != 1 ]; then
    "${pg_psql[@]}" -d postgres -c "CREATE DATABASE impex"
  fi
  export IMPEX_POSTGRES_URL="postgres://postgres:postgres@127.0.0.1:$pg_port/impex?sslmode=disable"
fi
