#!/usr/bin/env bash
# What compressing a page costs at each level: seeds `pipewright demo --size N` (default
# 10000), saves the signed-in /pipeline, /deals, a deal page and /dashboard as the
# server renders them, and times brotli 1–6 and gzip 1 and 6 on each with the encoders
# the server uses (bench/compression/). Usage: bench/compression.sh [size]
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
BIN="$TARGET_DIR/release/pipewright"
PORT="${PORT:-3196}"
[ -x "$BIN" ] || { echo "no release build at $BIN (./scripts/build.sh)" >&2; exit 2; }
WORK=$(mktemp -d)
URL="sqlite://$WORK/pages.db?mode=rwc"
"$BIN" demo --size "${1:-10000}" --database-url "$URL" >"$WORK/demo.txt"
EMAIL=$(awk '$1 == "Admin" { print $2; exit }' "$WORK/demo.txt")
PASSWORD=$(sed -n 's/.*(password: \(.*\)):.*/\1/p' "$WORK/demo.txt")
LEPTOS_SITE_ROOT=target/site "$BIN" serve --addr "127.0.0.1:$PORT" --database-url "$URL" \
  >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 40); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.25; done
BASE="http://127.0.0.1:$PORT"
curl -fsS -c "$WORK/jar" -o /dev/null -H 'accept: application/json' \
  --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" "$BASE/api/sign_in"
curl -fsS -b "$WORK/jar" -o "$WORK/pipeline.html" "$BASE/pipeline"
curl -fsS -b "$WORK/jar" -o "$WORK/deals.html" "$BASE/deals"
DEAL=$(grep -o 'href="/deals/[0-9a-f-]\{36\}"' "$WORK/deals.html" | head -1 | cut -d'"' -f2)
curl -fsS -b "$WORK/jar" -o "$WORK/deal.html" "$BASE$DEAL"
curl -fsS -b "$WORK/jar" -o "$WORK/dashboard.html" "$BASE/dashboard"
cargo run -q --release --manifest-path bench/compression/Cargo.toml -- \
  "$WORK/pipeline.html" "$WORK/deals.html" "$WORK/deal.html" "$WORK/dashboard.html"
