#!/usr/bin/env bash
# Builds the wasm package for Node (pkg/nodejs, CommonJS, loads synchronously) and for
# browsers (pkg/web, ES module with an async init), then optimises both with wasm-opt from
# npm's binaryen (Debian's binaryen 108 emits modules that crash on load).
set -euo pipefail
cd "$(dirname "$0")"
wasm_opt=../node_modules/.bin/wasm-opt
for target in nodejs web; do
  wasm-pack build --profile wasm-release --no-opt --no-pack --target "$target" --out-dir "pkg/$target" --out-name dora_metrics_wasm
  "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    "pkg/$target/dora_metrics_wasm_bg.wasm" -o "pkg/$target/dora_metrics_wasm_bg.wasm"
done
raw=$(stat -c %s pkg/nodejs/dora_metrics_wasm_bg.wasm)
gz=$(gzip -9 -c pkg/nodejs/dora_metrics_wasm_bg.wasm | wc -c)
echo "dora_metrics_wasm_bg.wasm: $raw bytes optimised, $gz bytes gzipped"
