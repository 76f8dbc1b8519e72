#!/usr/bin/env bash
# Sets up a fresh machine for building and testing: the wasm target, wasm-bindgen-cli at the
# exact version of the wasm-bindgen crate in Cargo.lock, wasm-pack, the npm packages of the
# committed lockfile, and both builds of the core (native addon and wasm).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

rustup target add wasm32-unknown-unknown

wasm_bindgen_version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wasm_bindgen_version" ]; then
  # No --locked: one of the CLI's pinned dependencies is missing from the registry mirror.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi
command -v wasm-pack >/dev/null || cargo install wasm-pack --locked

# Headless Chromium for the what-if page's browser test (a browser download would fail here).
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi

# better-sqlite3 builds from source (its prebuilt download is unreachable). A second run with
# the same lockfile keeps node_modules as it is.
export npm_config_nodedir=/usr
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.dora-lock-sha256 2>/dev/null)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund
  echo "$lock_sum" > node_modules/.dora-lock-sha256
fi

npm run build:core
