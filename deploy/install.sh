#!/usr/bin/env bash
# Install (or upgrade) the app on a Debian 12 server, as root, from a clone of the repository:
#
#   sudo deploy/install.sh --site assessment.council.gov.uk [--processes 2] [--with-pdf]
#
# It installs Debian's packages (python3-venv, caddy, postgresql unless DATABASE_URL names another
# server; libreoffice-writer-nogui with --with-pdf), makes the system user `assessment`, copies the
# code to /opt/assessment with its own .venv, and writes the settings once:
# /etc/assessment/assessment.env (the app's: docs/deploy.md, "Settings"; written once). The first
# run stops there for you to fill in the sign-in settings from your app registration; run it again
# and it writes /etc/assessment/proxy.env (Caddy's), checks the settings (one line naming any
# missing or wrong), creates or upgrades the database, starts one app process per core as
# assessment@PORT.service and Caddy in front of them (deploy/Caddyfile), serves HTTPS on the site's
# name, and sets the daily backup, the daily removal of personal data past its time (and, with
# SMTP_HOST, reminders) on their timers. Run again after `git pull` to upgrade: the processes restart one at a time, so the others
# keep serving.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
APP=/opt/assessment ETC=/etc/assessment
site="" processes="" pdf=0
while [ $# -gt 0 ]; do
  case "$1" in
    --site) site=$2; shift 2 ;;
    --processes) processes=$2; shift 2 ;;
    --with-pdf) pdf=1; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
say() { printf '==> %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "run it as root (sudo deploy/install.sh ...)"
{ command -v apt-get && command -v systemctl; } >/dev/null || die "it needs Debian with systemd"
[ -n "$processes" ] || processes=$(nproc)
case "$processes" in ''|*[!0-9]*|0) die "--processes must be a whole number of at least 1" ;; esac

env_value() {   # the value of NAME in an env file (as systemd reads a simple NAME=value line)
  sed -n "s/^$1=//p" "$2" 2>/dev/null | tail -n 1 | sed 's/^"\(.*\)"$/\1/'
}
database=$(env_value DATABASE_URL "$ETC/assessment.env")
local_db=0
case "$database" in ''|*host=/var/run/postgresql*|*host=/run/postgresql*) local_db=1 ;; esac

say "Debian packages"
packages=(python3 python3-venv caddy)
[ "$local_db" -eq 0 ] || packages+=(postgresql)
[ "$pdf" -eq 0 ] || packages+=(libreoffice-writer-nogui)
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

say "the user assessment"
id assessment >/dev/null 2>&1 || useradd --system --home-dir /var/lib/assessment --shell /usr/sbin/nologin assessment
install -d -o assessment -g assessment -m 0700 /var/lib/assessment

say "the code in $APP"
if [ "$SRC" != "$APP" ]; then
  install -d -m 0755 "$APP"
  tar -C "$SRC" --exclude=./.git --exclude=./.venv --exclude=./.venv-audit --exclude=./test-artifacts \
    --exclude=./bench-results --exclude='./data/*.db*' --exclude=./.streamlit/secrets.toml --exclude='*/__pycache__' \
    -cf - . | tar -C "$APP" --no-same-owner -xf -
fi
if [ ! -x "$APP/.venv/bin/python" ] || ! cmp -s "$APP/requirements.txt" "$APP/.venv/.installed-requirements"; then
  python3 -m venv "$APP/.venv"
  "$APP/.venv/bin/python" -m pip install --quiet --upgrade pip
  "$APP/.venv/bin/python" -m pip install --quiet -r "$APP/requirements.txt"
  cp "$APP/requirements.txt" "$APP/.venv/.installed-requirements"
fi
"$APP/.venv/bin/python" -m compileall -q "$APP/assessment" "$APP/app.py" >/dev/null || true

say "the settings in $ETC"
install -d -m 0750 -g assessment "$ETC"
if [ ! -f "$ETC/assessment.env" ]; then
  [ -n "$site" ] || die "say which name people will use: --site assessment.council.gov.uk"
  umask 027
  cat >"$ETC/assessment.env" <<EOF
# The app's settings (docs/deploy.md, "Settings"), read by systemd (a value may hold spaces; no
# quotes needed) for assessment@.service and the backup, reminder and retention units. Check them with:
#   sudo assessment settings check
DATABASE_URL=postgresql+psycopg://assessment@/assessment?host=/var/run/postgresql
# The council's own records only: no example records in an empty database
ASSESSMENT_EXAMPLES=false
ASSESSMENT_HOSTS=$site
# From the app registration in Microsoft Entra ID (.streamlit/secrets.toml.example says where each is):
AUTH_REDIRECT_URI=https://$site/oauth2callback
AUTH_CLIENT_ID=
AUTH_CLIENT_SECRET=
AUTH_SERVER_METADATA_URL=https://login.microsoftonline.com/YOUR-TENANT-ID/v2.0/.well-known/openid-configuration
AUTH_TENANT_ID=
AUTH_COOKIE_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
# Where people ask about accessibility (an address, an https address or words):
ASSESSMENT_ACCESSIBILITY_CONTACT=
# Reminders by email (docs/deployment.md, "Reminders by email"):
SMTP_HOST=
SMTP_PORT=
SMTP_FROM=
SMTP_USER=
SMTP_PASSWORD=
SMTP_STARTTLS=
# How many days personal data is kept (docs/deploy.md, "Settings"; empty: 365, 90, 90, 400, 365 days):
ASSESSMENT_KEEP_SIGN_INS_DAYS=
ASSESSMENT_KEEP_REFUSED_SIGN_INS_DAYS=
ASSESSMENT_KEEP_DRAFTS_DAYS=
ASSESSMENT_KEEP_REMINDER_LOG_DAYS=
ASSESSMENT_KEEP_ANSWERS_DAYS=
EOF
  chgrp assessment "$ETC/assessment.env"
  say "wrote $ETC/assessment.env: fill in AUTH_CLIENT_ID, AUTH_CLIENT_SECRET and AUTH_SERVER_METADATA_URL"
  say "(and AUTH_TENANT_ID) from your app registration, then run deploy/install.sh again"
  exit 0
fi
[ -n "$site" ] || site=$(env_value ASSESSMENT_SITE "$ETC/proxy.env")
[ -n "$site" ] || site=$(env_value ASSESSMENT_HOSTS "$ETC/assessment.env" | cut -d' ' -f1 | cut -d, -f1)
[ -n "$site" ] || die "say which name people use: --site assessment.council.gov.uk"
first=8501 upstreams=""
for ((i = 0; i < processes; i++)); do upstreams="$upstreams 127.0.0.1:$((first + i))"; done
sticky=$(env_value ASSESSMENT_STICKY_SECRET "$ETC/proxy.env")
[ -n "$sticky" ] || sticky=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
umask 027
cat >"$ETC/proxy.env" <<EOF
# Caddy's settings for deploy/Caddyfile (written by deploy/install.sh: run it again to change them).
ASSESSMENT_SITE=$site
ASSESSMENT_UPSTREAMS=${upstreams# }
ASSESSMENT_STICKY_SECRET=$sticky
EOF
chmod 0600 "$ETC/proxy.env"   # read by systemd, as root, for caddy.service

if [ "$local_db" -eq 1 ]; then
  say "PostgreSQL: the database assessment, owned by the user assessment (peer authentication)"
  systemctl enable --now postgresql >/dev/null 2>&1 || true
  runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'assessment'" | grep -q 1 \
    || runuser -u postgres -- createuser assessment
  runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_database WHERE datname = 'assessment'" | grep -q 1 \
    || runuser -u postgres -- createdb -O assessment -E UTF8 assessment
fi

say "the command line: assessment (as root: the app's user, with its settings)"
cat >/usr/local/bin/assessment <<WRAPPER
#!/bin/sh
# python -m assessment ... as the user assessment with the settings in $ETC/assessment.env, read as
# systemd reads them for the app (written by deploy/install.sh). As root: sudo assessment --help
exec systemd-run --quiet --pipe --wait --collect --service-type=exec -p User=assessment \\
  -p EnvironmentFile=$ETC/assessment.env -p WorkingDirectory=$APP $APP/.venv/bin/python -m assessment "\$@"
WRAPPER
chmod 0755 /usr/local/bin/assessment

say "checking the settings and creating or upgrading the database"
/usr/local/bin/assessment settings check --connect \
  || die "the settings above are not good: change $ETC/assessment.env and run it again"

say "systemd units"
cp "$APP/deploy/systemd/assessment@.service" /etc/systemd/system/
for unit in assessment-backup.service assessment-backup.timer assessment-notify.service assessment-notify.timer \
            assessment-retention.service assessment-retention.timer; do
  cp "$APP/deploy/systemd/$unit" /etc/systemd/system/
done
install -d -o assessment -g assessment -m 0700 /var/backups/assessment
install -d /etc/systemd/system/caddy.service.d
cp "$APP/deploy/systemd/caddy-assessment.conf" /etc/systemd/system/caddy.service.d/assessment.conf
[ -f /etc/caddy/Caddyfile.debian ] || cp /etc/caddy/Caddyfile /etc/caddy/Caddyfile.debian
cp "$APP/deploy/Caddyfile" /etc/caddy/Caddyfile
[ -f /etc/caddy/assessment-site.caddy ] || cp "$APP/deploy/assessment-site.caddy" /etc/caddy/assessment-site.caddy
systemctl daemon-reload

say "$processes app processes, restarted one at a time"
for ((i = 0; i < processes; i++)); do
  port=$((first + i))
  systemctl enable "assessment@$port" >/dev/null 2>&1
  systemctl restart "assessment@$port"
  for _ in $(seq 60); do
    "$APP/.venv/bin/python" -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:$port/_stcore/health', timeout=2).read() != b'ok')" 2>/dev/null && break
    sleep 1
  done || true
  systemctl is-active --quiet "assessment@$port" || die "assessment@$port did not start: journalctl -u assessment@$port"
done
for unit in $(systemctl list-units --all --plain --no-legend 'assessment@*.service' | awk '{print $1}'); do
  port=${unit#assessment@}; port=${port%.service}
  if [ "$port" -ge $((first + processes)) ] 2>/dev/null; then systemctl disable --now "$unit"; fi
done

say "Caddy in front of them"
systemctl enable caddy >/dev/null 2>&1
systemctl restart caddy
say "the daily backup and its restore check (assessment-backup.timer, 03:00)"
systemctl enable --now assessment-backup.timer >/dev/null 2>&1
say "the daily removal of personal data past its time (assessment-retention.timer, 04:00)"
systemctl enable --now assessment-retention.timer >/dev/null 2>&1
if [ -n "$(env_value SMTP_HOST "$ETC/assessment.env")" ]; then
  say "the daily reminders by email (assessment-notify.timer, 07:30)"
  systemctl enable --now assessment-notify.timer >/dev/null 2>&1
else
  say "no reminders by email: SMTP_HOST is not set in $ETC/assessment.env (set it and run install.sh again)"
fi
say "ready: https://$site; add the first administrator with"
say "  sudo assessment users add you@council.gov.uk --role deployment-administrator"
say "restore drill and the rest: docs/deploy.md and docs/deployment.md"
