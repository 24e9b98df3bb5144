#!/usr/bin/env bash
# Timeline of one deal with N events on SQLite: first page and a deep page, p50/p95/p99.
# Usage: bench/timeline.sh [events] [reads]   (defaults 5000 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
# The flags ./scripts/build.sh compiles the release server with (cargo-leptos adds them
# for `always-erase-components` in Cargo.toml): with the same flags this reuses that
# build's compiled crates instead of rebuilding them, and overwriting them for the next.
export RUSTFLAGS="--cfg erase_components"
cargo run --release -q -p service --example timeline_bench -- "${1:-5000}" "${2:-1000}"
