#!/usr/bin/env bash
# Lead inbox with N leads on SQLite (or DATABASE_URL=postgres://…): the unassigned view,
# the seven view counts, a search and the marketing report, p50/p95/p99.
# Usage: bench/inbox.sh [leads] [reads]   (defaults 100000 300)
set -euo pipefail
cd "$(dirname "$0")/.."
# The flags ./scripts/build.sh compiles the release server with (cargo-leptos adds them
# for `always-erase-components` in Cargo.toml): with the same flags this reuses that
# build's compiled crates instead of rebuilding them, and overwriting them for the next.
export RUSTFLAGS="--cfg erase_components"
cargo run --release -q -p service --example inbox_bench -- "$@"
