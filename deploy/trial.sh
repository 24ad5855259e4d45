#!/usr/bin/env bash
# The whole stack on one machine, for a trial: PostgreSQL, N app processes on loopback ports and
# Caddy in front of them with sticky sessions, on http://localhost:8080 (this machine only).
# Ctrl-C (or SIGTERM) stops all of it. docs/deploy.md says more.
#
#   deploy/trial.sh [--processes 2] [--port 8080] [--app-port 8501] [--dir DIR]
#
# The settings come from the environment (docs/deploy.md, "Settings"): DATABASE_URL names a
# PostgreSQL database to use, else a throwaway one is started in DIR (and deleted at the end). Sign-in
# is set up by AUTH_CLIENT_ID, AUTH_CLIENT_SECRET, AUTH_SERVER_METADATA_URL and AUTH_COOKIE_SECRET
# (AUTH_REDIRECT_URI defaults to http://localhost:PORT/oauth2callback); without them the app runs in
# local mode. DIR (default: a new folder under /tmp) keeps the start-up log (startup.log), each
# process's output (app-PORT.log, caddy.log) and their process ids (*.pid).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-$ROOT/.venv/bin/python}
processes=2 port=8080 app_port=8501 dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --processes) processes=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --app-port) app_port=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "trial.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$dir" ] || dir=$(mktemp -d /tmp/assessment-trial.XXXXXX)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
log="$dir/startup.log"
: >"$log"
echo $$ >"$dir/trial.pid"
say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$log"; }
fail() { say "stopped: $*"; exit 1; }

command -v caddy >/dev/null || fail "caddy is not installed (apt-get install caddy, or bash scripts/system-deps.sh)"
[ -x "$PY" ] || fail "$PY is missing: run make run once (it installs the app into .venv), or set PY"
case "$processes" in ''|*[!0-9]*|0) fail "--processes must be a whole number of at least 1" ;; esac

pids=() pgdir=""
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$pgdir" ]; then bash "$ROOT/scripts/pg-throwaway.sh" stop "$pgdir"; rm -rf "$pgdir" "$pgdir.initdb.log"; fi
  rm -rf "$dir/run"
  say "stopped the trial"
}
trap stop EXIT
trap 'exit 0' INT TERM

# wait_for URL WHAT PID: until URL answers "ok" (Streamlit's health address), while PID runs
wait_for() {
  "$PY" - "$1" "$2" "$3" <<'EOF' || fail "$2 did not become healthy (see $dir)"
import os, sys, time, urllib.request
url, what, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
until = time.monotonic() + 180   # a guard against a process that hangs, not a measure
while time.monotonic() < until:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(f"{what} stopped")
    try:
        if urllib.request.urlopen(url, timeout=2).read().strip() == b"ok":
            break
    except OSError:
        time.sleep(0.3)
else:
    sys.exit(f"{what} did not answer")
EOF
}

say "trial of the whole stack: $processes app processes behind Caddy on http://localhost:$port (logs in $dir)"
say "caddy: $(caddy version | head -n 1); python: $("$PY" --version 2>&1)"

if [ -z "${DATABASE_URL:-}" ]; then
  pgdir="$dir/postgresql"
  rm -rf "$pgdir"
  DATABASE_URL=$(bash "$ROOT/scripts/pg-throwaway.sh" start "$pgdir") || fail "PostgreSQL did not start"
  say "database: a throwaway PostgreSQL cluster in $pgdir"
else
  say "database: DATABASE_URL (${DATABASE_URL%%://*})"
fi
export DATABASE_URL

# Sign-in, where it is set up: the address people use is the proxy's.
if [ -n "${AUTH_CLIENT_ID:-}" ]; then
  export AUTH_REDIRECT_URI=${AUTH_REDIRECT_URI:-http://localhost:$port/oauth2callback}
  say "sign-in: OpenID Connect, back to $AUTH_REDIRECT_URI"
else
  say "sign-in: none (local mode: this machine only)"
fi
export ASSESSMENT_HOSTS=${ASSESSMENT_HOSTS:-localhost 127.0.0.1}
mkdir -p "$dir/run" && chmod 700 "$dir/run"
export ASSESSMENT_RUNTIME_DIR="$dir/run"

cd "$ROOT"
checked=$(ASSESSMENT_PORT=$app_port "$PY" -m assessment settings check --connect 2>&1) || fail "$checked"
say "$checked"

upstreams=""
for ((i = 0; i < processes; i++)); do
  p=$((app_port + i))
  "$PY" -m assessment serve --port "$p" --address 127.0.0.1 >"$dir/app-$p.log" 2>&1 &
  pids+=($!)
  echo $! >"$dir/app-$p.pid"
  upstreams="$upstreams 127.0.0.1:$p"
  say "app process $((i + 1)) of $processes: port $p, process $!"
done
for ((i = 0; i < processes; i++)); do
  p=$((app_port + i))
  wait_for "http://127.0.0.1:$p/_stcore/health" "the app on port $p" "$(cat "$dir/app-$p.pid")"
  say "app on port $p: healthy"
done

ASSESSMENT_SITE="http://localhost:$port" ASSESSMENT_UPSTREAMS="${upstreams# }" ASSESSMENT_PROXY_BIND=127.0.0.1 \
  ASSESSMENT_PROXY_ADMIN=off ASSESSMENT_STICKY_SECRET=${ASSESSMENT_STICKY_SECRET:-$(head -c 18 /dev/urandom | base64)} \
  caddy run --config "$ROOT/deploy/Caddyfile" --adapter caddyfile >"$dir/caddy.log" 2>&1 &
pids+=($!)
echo $! >"$dir/caddy.pid"
say "caddy: process $!, upstreams${upstreams}"
wait_for "http://localhost:$port/_stcore/health" "caddy" "$!"
say "ready: http://localhost:$port (Ctrl-C stops it)"

# Until stopped: say when an app process stops (Caddy sends its people to the others; a server's
# systemd would start it again, the trial does not).
stopped=""
while true; do
  sleep 1 &
  wait $! || true
  for ((i = 0; i < processes; i++)); do
    p=$((app_port + i))
    case " $stopped " in *" $p "*) continue ;; esac
    if ! kill -0 "$(cat "$dir/app-$p.pid")" 2>/dev/null; then
      stopped="$stopped $p"
      say "app on port $p stopped: Caddy sends its people to the other processes"
    fi
  done
done
