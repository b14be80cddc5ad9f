#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the central server's tests (CI, or by hand).
#
#   export WORKSTATION_TEST_PG_URL="$(bash scripts/pg-test-cluster.sh start)"
#   ... run the tests ...
#   bash scripts/pg-test-cluster.sh stop
#
# start: installs the PostgreSQL server if missing, makes a cluster in $DIR (default
# /tmp/workstation-pg-test; a previous one there is stopped and removed), starts it on a free port
# of 127.0.0.1 with fsync off, and prints its URL on stdout (nothing else). As root the server runs
# as the user postgres. stop: stops the cluster and removes $DIR.
# Without WORKSTATION_TEST_PG_URL the tests start a private cluster themselves in the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

action="${1:-start}"
DIR="${2:-${WORKSTATION_PG_DIR:-/tmp/workstation-pg-test}}"

pg_bin() {
    if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_cluster() {
    local bin
    bin="$(pg_bin)"
    if [ -n "$bin" ] && [ -f "$DIR/data/postmaster.pid" ]; then
        as_pg "$bin/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
}

case "$action" in
start)
    if [ -z "$(pg_bin)" ]; then
        need_debs postgresql >&2
        # the Debian package starts its own cluster; the tests use a private one
        (service postgresql stop || true) >/dev/null 2>&1
    fi
    BIN="$(pg_bin)"
    [ -x "$BIN/initdb" ] || { echo "PostgreSQL server programs not found" >&2; exit 1; }
    stop_cluster
    mkdir -p "$DIR/sockets"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$DIR"; fi
    chmod 700 "$DIR"
    PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start -o \
        "-p $PORT -k $DIR/sockets -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null
    echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
    ;;
stop)
    stop_cluster
    ;;
*)
    echo "usage: $0 start|stop [DIR]" >&2
    exit 2
    ;;
esac
