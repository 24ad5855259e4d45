#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster in DIR on a Unix socket (no TCP); print its SQLAlchemy URL.
#   scripts/pg-throwaway.sh start DIR   ->  prints postgresql+psycopg://app@/postgres?host=DIR
#   scripts/pg-throwaway.sh stop DIR
set -euo pipefail
cmd=$1; dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chmod a+x "$(dirname "$dir")"; chown postgres:postgres "$dir"; fi
    as_pg "$bin/initdb" -D "$dir" -A trust -U app -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
      || { cat "$dir.initdb.log" >&2; exit 1; }
    as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -o "-k $dir -c listen_addresses= -c fsync=off" start >/dev/null
    echo "postgresql+psycopg://app@/postgres?host=$dir"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
    ;;
esac
