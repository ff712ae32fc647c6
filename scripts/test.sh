#!/usr/bin/env bash
# Sets up and runs the whole test suite: service/data tests, NiceGUI user-fixture UI tests, and end-to-end tests
# in Debian's headless Chromium (installed here with apt when missing; needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
bash scripts/setup-venv.sh test
exec .venv/bin/python -m pytest "$@"
