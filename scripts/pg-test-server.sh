#!/usr/bin/env bash
# A private, throwaway PostgreSQL 15 server for the tests: initdb in DIR,
# listening on a unix socket in DIR only (no TCP, no system service), trust
# authentication for the local superuser "postgres".
# Usage: scripts/pg-test-server.sh start DIR   prints the connection URL
#        scripts/pg-test-server.sh stop DIR
# Export the printed URL as SEQUENCIAL_TEST_PG_URL to run the PostgreSQL
# tests. PostgreSQL refuses to run as root: as root the server runs as the
# "postgres" user (created by the Debian package), which then owns DIR; every
# parent of DIR must be reachable by that user (e.g. DIR under a fresh
# `mktemp -d` chmod 755).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
port=${PG_TEST_PORT:-5432}  # only names the socket file inside DIR

as_owner=()
if [[ $(id -u) -eq 0 ]]; then as_owner=(runuser -u postgres --); fi

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [[ $(id -u) -eq 0 ]]; then
      chown postgres: "$dir"
      chmod 700 "$dir"
      if ! runuser -u postgres -- test -x "$dir"; then
        echo "pg-test-server: user postgres cannot reach $dir (a parent directory is private)" >&2
        exit 1
      fi
    fi
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # Small and fast: no durability needed for tests, enough connections for ctest -j.
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-k $dir -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c max_connections=200" start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@/postgres?host=$dir&port=$port"
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
