#!/usr/bin/env bash
# Sets up (scripts/setup.sh), then runs a Backstage backend with the catalog and the DORA
# metrics plugin on http://localhost:7007, with the embedded SQLite database (app-config.yaml).
# Extra arguments go to the backend, e.g. `--config my-config.yaml`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd ts-plugin
exec npx backstage-cli package start --config ../app-config.yaml "$@"
