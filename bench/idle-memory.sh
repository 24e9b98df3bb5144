#!/usr/bin/env bash
# Idle memory of the release server: start it on an empty SQLite file, let it settle,
# read its resident set size. Usage: bench/idle-memory.sh [settle-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
WORK=$(mktemp -d)
LEPTOS_SITE_ROOT=target/site "$TARGET_DIR/release/pipewright" serve --addr 127.0.0.1:3199 \
  --database-url "sqlite://$WORK/idle.db?mode=rwc" >"$WORK/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 40); do curl -fsS http://127.0.0.1:3199/healthz >/dev/null 2>&1 && break; sleep 0.25; done
# One page render so the measurement includes a warmed-up renderer.
curl -fsS -o /dev/null http://127.0.0.1:3199/sign-in
sleep "${1:-5}"
awk '/VmRSS|VmHWM/ { printf "%s %.1f MiB\n", $1, $2 / 1024 }' "/proc/$PID/status"
