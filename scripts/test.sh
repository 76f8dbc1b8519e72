#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test: Rust, both bindings on the shared vectors,
# native/wasm parity, the GitHub twin and the Backstage plugin (PostgreSQL and SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh

# Generated loaders and type definitions are committed: a build must not change them.
if ! git diff --exit-code -- bindings-node/native.js bindings-node/native.d.ts; then
  echo "The build changed the committed generated files above: rebuild and commit them." >&2
  exit 1
fi

export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}
export BACKSTAGE_TEST_DISABLE_DOCKER=1
npm test
