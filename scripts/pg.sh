#!/usr/bin/env bash
# A private PostgreSQL for tests and benchmarks, on 127.0.0.1 only.
#   scripts/pg.sh start   installs Debian's postgresql when missing, starts a throw-away cluster,
#                         creates the database and prints its DATABASE_URL
#   scripts/pg.sh stop    stops it and removes its files
set -euo pipefail
DIR=${SEABOARD_PG_DIR:-/tmp/seaboard-pg}
PORT=${SEABOARD_PG_PORT:-54329}
DB=seaboard_test

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
start)
  if [ -z "$(bin_dir)" ]; then
    echo "installing Debian's postgresql…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  fi
  BIN=$(bin_dir)
  if [ -f "$DIR/data/postmaster.pid" ]; then "$0" stop >&2 || true; fi
  rm -rf "$DIR"; mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
  echo "postgresql://postgres@127.0.0.1:$PORT/$DB"
  ;;
stop)
  BIN=$(bin_dir)
  if [ -n "$BIN" ] && [ -f "$DIR/data/postmaster.pid" ]; then
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$DIR"
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
