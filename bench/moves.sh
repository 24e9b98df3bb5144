#!/usr/bin/env bash
# Stage moves under load: seeds `pipewright demo --size N` (default 10000) into a fresh
# SQLite file, or uses DATABASE_URL (e.g. a PostgreSQL database) after seeding it, starts
# the release server pinned to core 0 with the load on core 1, and runs bench/moves.mjs
# once per client count. Usage: [DURATION=20] bench/moves.sh [size] [clients...]
# (defaults: 10000, then 10 and 200 clients). PROFILE=file records the server's CPU
# with perf over the runs and prints the top entries by self time and by library.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
BIN="$TARGET_DIR/release/pipewright"
PORT="${PORT:-3195}"
[ -x "$BIN" ] || { echo "no release build at $BIN (./scripts/build.sh)" >&2; exit 2; }
WORK=$(mktemp -d)
URL="${DATABASE_URL:-sqlite://$WORK/moves.db?mode=rwc}"
"$BIN" demo --size "${1:-10000}" --database-url "$URL" >"$WORK/demo.txt"
head -1 "$WORK/demo.txt"
EMAIL=$(awk '$1 == "Admin" { print $2; exit }' "$WORK/demo.txt")
PASSWORD=$(sed -n 's/.*(password: \(.*\)):.*/\1/p' "$WORK/demo.txt")
RUST_LOG=warn LEPTOS_SITE_ROOT=target/site taskset -c 0 "$BIN" serve --addr "127.0.0.1:$PORT" \
  --database-url "$URL" >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 40); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.25; done
shift || true
PERF=
if [ -n "${PROFILE:-}" ]; then
  perf record -F 999 -g -o "$PROFILE" -p "$PID" 2>/dev/null &
  PERF=$!
fi
echo "| clients | moves/s | p50 | p99 | max | answers |"
echo "| ---: | ---: | ---: | ---: | ---: | --- |"
for clients in "${@:-10 200}"; do
  for n in $clients; do
    CLIENTS=$n PIPEWRIGHT_URL="http://127.0.0.1:$PORT" LOGIN_EMAIL="$EMAIL" LOGIN_PASSWORD="$PASSWORD" \
      taskset -c 1 node bench/moves.mjs
  done
done
if [ -n "$PERF" ]; then
  kill -INT "$PERF"; wait "$PERF" || true
  perf report -i "$PROFILE" --no-children --sort dso --stdio -g none 2>/dev/null \
    | grep -E '^ +[0-9]' | sed 's/ \{2,\}[- ]*$//' | head -8 || true
  perf report -i "$PROFILE" --no-children --sort symbol --stdio -g none 2>/dev/null \
    | grep -E '^ +[0-9]' | sed 's/ \{2,\}[- ]*$//' | head -40 || true
fi
awk '/VmHWM/ { printf "server peak RSS %.1f MiB\n", $2 / 1024 }' "/proc/$PID/status"
