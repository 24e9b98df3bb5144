#!/usr/bin/env bash
# Board at scale: seeds ~10,000 open deals in one pipeline (the generator keeps 60 %
# open), starts the release server and runs bench/board.mjs. Usage: bench/board.sh [size]
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
WORK=$(mktemp -d)
URL="sqlite://$WORK/board.db?mode=rwc"
"$TARGET_DIR/release/pipewright" demo --size "${1:-16700}" --seed 7 --database-url "$URL" | head -1
LEPTOS_SITE_ROOT=target/site "$TARGET_DIR/release/pipewright" serve --addr 127.0.0.1:3198 \
  --database-url "$URL" >"$WORK/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 40); do curl -fsS http://127.0.0.1:3198/healthz >/dev/null 2>&1 && break; sleep 0.25; done
PIPEWRIGHT_URL=http://127.0.0.1:3198 node bench/board.mjs
