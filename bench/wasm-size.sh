#!/usr/bin/env bash
# Size of the browser bundle after `cargo leptos build --release`: raw and brotli (q11).
set -euo pipefail
cd "$(dirname "$0")/.."
for file in target/site/pkg/pipewright.wasm target/site/pkg/pipewright.js target/site/pkg/pipewright.css; do
  node -e '
    const fs = require("fs"), zlib = require("zlib");
    const data = fs.readFileSync(process.argv[1]);
    const br = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
    console.log(`${process.argv[1]}: ${(data.length / 1024).toFixed(1)} KiB raw, ${(br.length / 1024).toFixed(1)} KiB brotli`);
  ' "$file"
done
