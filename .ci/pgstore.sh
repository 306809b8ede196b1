#!/usr/bin/env bash
# Tests customer/pgstore against a real PostgreSQL server.
#
# Installs Debian's postgresql package when no server binaries are present,
# starts a private cluster on 127.0.0.1 (its own data directory and port, so
# a system cluster is left alone), creates the test database, and runs vet,
# staticcheck and the race-enabled tests of the pgstore module with
# IMPEX_REQUIRE_POSTGRES=1, so a missing server fails the run instead of
# skipping it. The server this script started is stopped on exit.
#
# Safe to run again on the same machine: an existing cluster is reused, a
# running one is left running. Set IMPEX_POSTGRES_URL to test against a
# server of your own instead; nothing is installed or started then.
#
# Knobs: IMPEX_PG_PORT (default 54329), IMPEX_PG_DIR (default
# /var/tmp/impex-pgstore), STATICCHECK_VERSION.
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK_VERSION=${STATICCHECK_VERSION:-v0.8.2}
port=${IMPEX_PG_PORT:-54329}
base=${IMPEX_PG_DIR:-/var/tmp/impex-pgstore}
export PATH="$PATH:/usr/local/go/bin"

step() { printf '\n--- pgstore: %s\n' "$*"; }

# as_pg runs a command as the postgres user when we are root: the server
# refuses to run as root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ -z "${IMPEX_POSTGRES_URL:-}" ]; then
  if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    step "installing postgresql"
    if [ "$(id -u)" != 0 ]; then
      echo "postgresql is not installed and this is not root; install it or set IMPEX_POSTGRES_URL" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql </dev/null >/dev/null
  fi
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  major=$(basename "$(dirname "$bin")")
  data="$base/data"

  mkdir -p "$base"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$base"; fi
  if [ -f "$data/PG_VERSION" ] && [ "$(cat "$data/PG_VERSION")" != "$major" ]; then
    step "discarding a cluster of PostgreSQL $(cat "$data/PG_VERSION")"
    as_pg "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$data"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    step "initdb ($major) in $data"
    rm -rf "$data"
    as_pg "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  fi

  started=
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    step "reusing the running server on port $port"
  else
    step "starting PostgreSQL $major on 127.0.0.1:$port"
    as_pg "$bin/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 \
      -o "-p $port -k $base -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null ||
      { cat "$base/server.log" >&2; exit 1; }
    started=1
  fi
  stop_server() {
    if [ -n "$started" ]; then
      as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    fi
  }
  trap stop_server EXIT

  psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -X -q -t -A)
  if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'impex'")" != 1 ]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE impex"
  fi
  export IMPEX_POSTGRES_URL="postgres://postgres:postgres@127.0.0.1:$port/impex?sslmode=disable"
fi
export IMPEX_REQUIRE_POSTGRES=1

cd customer/pgstore
step "gofmt"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
step "go vet"
go vet ./...
step "staticcheck $STATICCHECK_VERSION"
go run "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" ./...
step "go test -race"
go test -race -count=1 ./...
