#!/usr/bin/env bash
# A private PostgreSQL for tests and benchmarks, on 127.0.0.1 only.
#   scripts/pg.sh start   installs Debian's postgresql when missing, starts a throw-away cluster,
#                         creates the database and prints its DATABASE_URL
#   scripts/pg.sh stop URL  stops the server of that URL and removes its files
# Each server has its own port and folder, so that two runs (a developer's and CI's) never collide.
set -euo pipefail
DB=seaboard_test
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
# As root, the server runs as Debian's postgres user, from a folder it may enter.
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

case "${1:-}" in
start)
  PORT=${SEABOARD_PG_PORT:-$(free_port)}
  DIR=/tmp/seaboard-pg-$PORT
  if [ -z "$(bin_dir)" ]; then
    echo "installing Debian's postgresql…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  fi
  BIN=$(bin_dir)
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
  PORT=$(printf '%s' "${2:?usage: $0 stop URL}" | sed -E 's#.*:([0-9]+)/.*#\1#')
  DIR=/tmp/seaboard-pg-$PORT
  BIN=$(bin_dir)
  if [ -n "$BIN" ] && [ -f "$DIR/data/postmaster.pid" ]; then
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$DIR"
  ;;
*) echo "usage: $0 start | $0 stop URL" >&2; exit 2 ;;
esac
