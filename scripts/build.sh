#!/usr/bin/env bash
# The release build, the one way: the server, and the browser bundle split into one
# WebAssembly chunk per page (`--split`, see app/src/routes.rs), every file under
# target/site/pkg named after its content (`hash-files` in Cargo.toml) and written
# once more as brotli and gzip (`--precompress`), which the server sends as they are.
# Then each page group's chunks are packed into one file (scripts/pack-chunks.mjs), so
# a first visit fetches its page's code in one request.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo leptos build --release --split --precompress "$@"
node scripts/pack-chunks.mjs
