#!/usr/bin/env bash
# Live fan-out: 200 WebSocket clients on one workspace of the release server, a steady
# stream of stage moves, commit-to-client latency and server memory over the run.
# Usage: bench/live.sh [clients] [moves per second] [seconds]     (defaults: 200 10 300)
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
# The flags ./scripts/build.sh compiles the release server with (cargo-leptos adds them
# for `always-erase-components` in Cargo.toml): with the same flags this reuses that
# build's compiled crates instead of rebuilding them, and overwriting them for the next.
export RUSTFLAGS="--cfg erase_components"
cargo build --release -p server --example live_bench --quiet
WORK=$(mktemp -d)
URL="sqlite://$WORK/live.db?mode=rwc"
"$TARGET_DIR/release/pipewright" migrate --database-url "$URL" >/dev/null
RUST_LOG=warn "$TARGET_DIR/release/pipewright" serve --addr 127.0.0.1:3199 \
  --database-url "$URL" >"$WORK/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 40); do curl -fsS http://127.0.0.1:3199/healthz >/dev/null 2>&1 && break; sleep 0.25; done
"$TARGET_DIR/release/examples/live_bench" 127.0.0.1:3199 "$URL" "$PID" "${1:-200}" "${2:-10}" "${3:-300}"
