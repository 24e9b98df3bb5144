#!/usr/bin/env bash
# Web-form intake: C keep-alive clients posting to /f/<key> for S seconds against the
# in-process router on SQLite; accepted posts per second and p50/p95/p99 latency.
# Usage: bench/forms.sh [clients] [seconds]   (defaults 8 20)
set -euo pipefail
cd "$(dirname "$0")/.."
# The flags ./scripts/build.sh compiles the release server with (cargo-leptos adds them
# for `always-erase-components` in Cargo.toml): with the same flags this reuses that
# build's compiled crates instead of rebuilding them, and overwriting them for the next.
export RUSTFLAGS="--cfg erase_components"
cargo run --release -q -p server --example form_bench -- "$@"
