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
export PATH="$PATH:/usr/local/go/bin"

step() { printf '\n--- pgstore: %s\n' "$*"; }

step "postgresql"
# shellcheck source=pgserver.sh
source .ci/pgserver.sh
export IMPEX_REQUIRE_POSTGRES=1

# shellcheck source=module.sh
source .ci/module.sh
check_module customer/pgstore
