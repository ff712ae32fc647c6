#!/usr/bin/env bash
# Sets up and starts the scaled-out set-up on this machine: two portal instances (127.0.0.1:8081 and :8082) on one
# PostgreSQL database and one Redis, behind nginx on http://localhost:8080, with the demo identity provider.
# Installs and starts Debian's postgresql, redis-server and nginx when missing (needs root or sudo). Ctrl-C stops
# the instances and nginx; the database `myprofile` and what is in it stay.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/local-services.sh
bash scripts/setup-venv.sh
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'myprofile'" | grep -q 1 ||
  psql -h 127.0.0.1 -U postgres -qc 'CREATE DATABASE myprofile'
mkdir -p var/scaled
[ -s var/scaled/storage-secret ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))' \
  > var/scaled/storage-secret
export MYPROFILE_DATABASE_URL="${MYPROFILE_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/myprofile}"
export MYPROFILE_REDIS_URL="${MYPROFILE_REDIS_URL:-redis://127.0.0.1:6379/1}"
export MYPROFILE_STORAGE_SECRET="${MYPROFILE_STORAGE_SECRET:-$(cat var/scaled/storage-secret)}"
export MYPROFILE_PUBLIC_URL="${MYPROFILE_PUBLIC_URL:-http://localhost:8080}"
export MYPROFILE_TRUSTED_PROXIES=127.0.0.1
.venv/bin/python main.py migrate
exec .venv/bin/python scripts/run_scaled.py "$@"
