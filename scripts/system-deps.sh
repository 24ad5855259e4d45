#!/usr/bin/env bash
# Install the Debian packages the tests need, when they are missing (CI starts from a fresh machine).
set -euo pipefail
need=()
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
[ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] || need+=(postgresql)
# The real-browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
[ -x /usr/lib/chromium/chromium ] || need+=(chromium fonts-liberation)
# Word exports are rendered to PDF (LibreOffice) and measured (poppler's pdfinfo) by the tests.
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
# The deployment's test puts Caddy (deploy/Caddyfile) in front of the app's processes.
command -v caddy >/dev/null 2>&1 || need+=(caddy)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${need[*]} (run as root, or install them: apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
