#!/usr/bin/env bash
# Sets up and starts the portal. With no configuration it serves its demo identity provider on
# http://localhost:8080; configure a real provider with the MYPROFILE_* variables (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh
exec .venv/bin/python main.py serve "$@"
