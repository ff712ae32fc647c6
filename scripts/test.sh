#!/usr/bin/env bash
# Sets up and runs the whole test suite: service/data tests (the PostgreSQL store's and the shared Redis state's
# against local servers), NiceGUI user-fixture UI tests, and end-to-end tests in Debian's headless Chromium.
# Installs Debian's chromium, postgresql, redis-server and nginx with apt when missing and starts the PostgreSQL cluster
# and Redis when they are not running (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/local-services.sh  # postgresql, redis-server and nginx: installed and started when missing
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
export MYPROFILE_REQUIRE_POSTGRES=1  # the PostgreSQL tests fail, rather than skip, if the server is not usable
export MYPROFILE_REQUIRE_REDIS=1  # the Redis tests fail, rather than skip, if the server is not usable

bash scripts/setup-venv.sh test
exec .venv/bin/python -m pytest "$@"
