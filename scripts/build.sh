#!/usr/bin/env bash
# The release build, the one way: the server, and the browser bundle split into one
# WebAssembly chunk per page (`--split`, see app/src/routes.rs), every file under
# target/site/pkg named after its content (`hash-files` in Cargo.toml) and written
# once more as brotli and gzip (`--precompress`), which the server sends as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo leptos build --release --split --precompress "$@"
