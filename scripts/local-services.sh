#!/usr/bin/env bash
# Sourced by scripts/test.sh and scripts/serve-scaled.sh: installs Debian's postgresql, redis-server and nginx with
# apt when missing, and starts PostgreSQL (127.0.0.1:5432, user postgres without a password from 127.0.0.1) and
# Redis (127.0.0.1:6379, in memory only) when they are not running. Needs root or sudo for what it installs.
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { $sudo_cmd apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then  # the proxy the scaled-out tests run behind
  apt_install nginx-light
fi

# PostgreSQL on 127.0.0.1:5432, where user postgres connects without a password (the tests, and the local scaled-out set-up)
installed_postgres=""
if ! command -v pg_ctlcluster >/dev/null || ! command -v psql >/dev/null ||
    ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
  apt_install postgresql
  installed_postgres=1
fi
if [ -n "$installed_postgres" ] || ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_major="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  if [ -z "$(pg_lsclusters -h | awk -v v="$pg_major" '$1 == v && $2 == "main"')" ]; then
    $sudo_cmd pg_createcluster "$pg_major" main --port 5432 >/dev/null
    installed_postgres=1
  fi
  if [ -n "$installed_postgres" ]; then  # a server of our own making: only then is its configuration ours to set
    $sudo_cmd pg_conftool "$pg_major" main set listen_addresses localhost
    hba="/etc/postgresql/$pg_major/main/pg_hba.conf"
    if ! $sudo_cmd grep -qE '^host[[:space:]]+all[[:space:]]+postgres[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
      $sudo_cmd sed -i '1i # added by scripts/local-services.sh: the tests and the local scaled-out set-up connect as postgres from 127.0.0.1\nhost all postgres 127.0.0.1/32 trust' "$hba"
    fi
    $sudo_cmd pg_ctlcluster "$pg_major" main stop >/dev/null 2>&1 || true  # apt may have started it: restart
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    $sudo_cmd pg_ctlcluster "$pg_major" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
  fi
fi

# Redis on 127.0.0.1:6379, in memory only (tests use key prefixes and databases of their own)
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  apt_install redis-server
fi
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
if ! redis_up; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >/dev/null
  for _ in $(seq 30); do redis_up && break; sleep 1; done
  redis_up || { echo "Redis did not start on 127.0.0.1:6379" >&2; exit 1; }
fi

