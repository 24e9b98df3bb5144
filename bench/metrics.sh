#!/usr/bin/env bash
# Every dashboard query on N deals (default 1,000,000) with stage history, on SQLite (or
# DATABASE_URL=postgres://… for PostgreSQL): p50/p99 per query, current quarter and the
# last 12 months, plus the whole dashboard call. Target: p99 under 50 ms per query.
# Usage: bench/metrics.sh [deals] [reads]   (defaults 1000000 100)
# METRICS_BENCH_DB=/path/file.db keeps the seeded SQLite file and reuses it next time.
set -euo pipefail
cd "$(dirname "$0")/.."
# The flags ./scripts/build.sh compiles the release server with (cargo-leptos adds them
# for `always-erase-components` in Cargo.toml): with the same flags this reuses that
# build's compiled crates instead of rebuilding them, and overwriting them for the next.
export RUSTFLAGS="--cfg erase_components"
cargo run --release -q -p service --example metrics_bench -- "$@"
