#!/usr/bin/env bash
# Tests examples/backoffice, the web back office, which is a module of its
# own: gofmt, go vet, staticcheck and the race-enabled tests, with
#   - Debian's Chromium installed and IMPEX_REQUIRE_BROWSER=1, so the
#     browser test fails rather than skips without a browser;
#   - the private PostgreSQL of .ci/pgstore.sh (started again through
#     .ci/pgserver.sh) and IMPEX_REQUIRE_POSTGRES=1, so the --postgres
#     and River test runs.
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK_VERSION=${STATICCHECK_VERSION:-v0.8.2}
export PATH="$PATH:/usr/local/go/bin"
step() { printf '\n--- backoffice: %s\n' "$*"; }

if ! command -v chromium >/dev/null 2>&1; then
  step "installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium </dev/null >/dev/null
fi
chromium --version
export IMPEX_REQUIRE_BROWSER=1

step "postgresql"
# shellcheck source=pgserver.sh
source .ci/pgserver.sh
export IMPEX_REQUIRE_POSTGRES=1

# shellcheck source=module.sh
source .ci/module.sh
check_module examples/backoffice
