#!/usr/bin/env bash
# A phone on slow 4G: seeds the demo workspace, starts the release server and runs
# bench/mobile.mjs (cold and warm cache, phone and desktop). Usage: bench/mobile.sh
# With LIGHTHOUSE=1 it also runs Lighthouse's mobile preset (npm, fetched on first use)
# on the same pages.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
WORK=$(mktemp -d)
URL="sqlite://$WORK/mobile.db?mode=rwc"
PORT=3197
"$TARGET_DIR/release/pipewright" demo --seed 7 --database-url "$URL" | head -1
LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}" "$TARGET_DIR/release/pipewright" serve \
  --addr "127.0.0.1:$PORT" --database-url "$URL" >"$WORK/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 40); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.25; done
PIPEWRIGHT_URL="http://127.0.0.1:$PORT" node bench/mobile.mjs
if [[ "${LIGHTHOUSE:-0}" == 1 ]]; then
  PIPEWRIGHT_URL="http://127.0.0.1:$PORT" bench/lighthouse.sh
fi
