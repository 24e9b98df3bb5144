#!/usr/bin/env bash
# Every page under load: seeds a fresh SQLite file with `pipewright demo --size N`
# (default 10000), starts the release server with its log in a file, and runs
# bench/pages.mjs: CLIENTS concurrent clients (default 10) on each page for DURATION
# seconds (default 20). Fails on any panic in the log, request without an answer, or
# page served without its content; the log is kept then. Prints the server's peak RSS.
# PIN=1 pins the server to core 0 and the load to core 1 (the issue's conditions);
# PROFILE=file records the server's CPU with perf meanwhile and prints its top entries.
# SEEDED=dir keeps the seeded file in dir and reuses it next time (a 1,000,000-deal seed
# takes minutes). SOAK=seconds repeats the pages until that long has passed and prints
# the server's RSS every 30 s (the issue's 10-minute soak is SOAK=600).
# SQLITE_ARGS passes options to the server (e.g. "--sqlite-map-mib 0" or
# "--slow-statement-ms 5"). MOVES_PER_S=n moves one deal about n times a second meanwhile
# (bench/moves.mjs, one client), as a busy team does: every move makes the pages' kept
# answers stale, so the pages are measured as they are read between writes. At the end it lists the statements the server logged as
# slow (500 ms unless told otherwise), slowest kind first.
# Usage: [CLIENTS=10] [DURATION=20] [PAGES=/deals/:id,/contacts] [PIN=1] [PROFILE=f]
#        [SEEDED=dir] [SOAK=seconds] [SQLITE_ARGS=…] [MEMORY=1] [DATABASE_URL=postgres://…]
#        [MOVES_PER_S=n]
#        bench/pages.sh [size]
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
BIN="$TARGET_DIR/release/pipewright"
PORT="${PORT:-3197}"
[ -x "$BIN" ] || { echo "no release build at $BIN (./scripts/build.sh)" >&2; exit 2; }
WORK=$(mktemp -d)
DATA=${SEEDED:-$WORK}
mkdir -p "$DATA"
# DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/bench_pages, an empty database)
# runs the pages on PostgreSQL: seeded once, when SEEDED's demo.txt is missing.
URL="${DATABASE_URL:-sqlite://$DATA/pages.db?mode=rwc}"
if [ ! -s "$DATA/demo.txt" ]; then
  rm -f "$DATA"/pages.db*
  "$BIN" demo --size "${1:-10000}" --database-url "$URL" >"$DATA/demo.tmp"
  mv "$DATA/demo.tmp" "$DATA/demo.txt"
fi
head -1 "$DATA/demo.txt"
# The demo prints its password and logins; the first admin's ("  Admin     alex…") is used.
EMAIL=$(awk '$1 == "Admin" { print $2; exit }' "$DATA/demo.txt")
PASSWORD=$(sed -n 's/.*(password: \(.*\)):.*/\1/p' "$DATA/demo.txt")
SERVER_CPU=() LOAD_CPU=()
if [ -n "${PIN:-}" ]; then SERVER_CPU=(taskset -c 0) LOAD_CPU=(taskset -c 1); fi
LEPTOS_SITE_ROOT=target/site "${SERVER_CPU[@]}" "$BIN" serve --addr "127.0.0.1:$PORT" --database-url "$URL" \
  ${SQLITE_ARGS:-} >"$WORK/server.log" 2>&1 &
PID=$!
finish() {
  local status=$?
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  if [ "$status" -eq 0 ]; then rm -rf "$WORK"; else echo "server log kept in $WORK/server.log" >&2; fi
}
trap finish EXIT
for _ in $(seq 1 40); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.25; done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null
PERF=
if [ -n "${PROFILE:-}" ]; then
  perf record -F 999 -g -o "$PROFILE" -p "$PID" 2>/dev/null &
  PERF=$!
fi
status=0
rss() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$PID/status"; }
run_pages() {
  PIPEWRIGHT_URL="http://127.0.0.1:$PORT" SERVER_LOG="$WORK/server.log" SERVER_PID="$PID" LOGIN_EMAIL="$EMAIL" \
    LOGIN_PASSWORD="$PASSWORD" "${LOAD_CPU[@]}" node bench/pages.mjs || status=$?
}
# MEMORY=1: where the resident memory is at the end. The kernel's split (anonymous,
# file), then, asked inside the server with gdb: SQLite's own count of what it holds
# (page caches, statements), and glibc's arenas, which SQLite allocates from (the Rust
# side uses mimalloc); the rest of the anonymous memory is mimalloc's and the stacks.
memory_breakdown() {
  grep -E '^(Rss|Anonymous):' "/proc/$PID/smaps_rollup" \
    | awk '{ printf "%s %.1f MiB\n", $1, $2 / 1024 }'
  gdb -p "$PID" -batch -ex 'print (long long) sqlite3_memory_used()' \
    -ex 'print (long long) sqlite3_memory_highwater(0)' -ex 'call (void) malloc_stats()' \
    2>/dev/null | awk '/^\$1/ { printf "SQLite in use %.1f MiB\n", $3 / 1048576 }
      /^\$2/ { printf "SQLite high water %.1f MiB\n", $3 / 1048576 }'
  # malloc_stats writes to the server's standard error: its totals are the last lines.
  sleep 0.2
  grep -A2 '^Total (incl. mmap)' "$WORK/server.log" | tail -2 \
    | awk '{ printf "glibc %s %.1f MiB\n", $1 " " $2, $NF / 1048576 }'
}
MOVER=
if [ -n "${MOVES_PER_S:-}" ]; then
  [ "$MOVES_PER_S" -ge 1 ] && [ "$MOVES_PER_S" -le 1000 ] \
    || { echo "MOVES_PER_S is moves a second, 1 to 1000" >&2; exit 2; }
  PIPEWRIGHT_URL="http://127.0.0.1:$PORT" LOGIN_EMAIL="$EMAIL" LOGIN_PASSWORD="$PASSWORD" CLIENTS=1 \
    DURATION=100000 PAUSE_MS=$((1000 / MOVES_PER_S)) "${LOAD_CPU[@]}" node bench/moves.mjs \
    >"$WORK/moves.log" 2>&1 &
  MOVER=$!
fi
if [ -n "${SOAK:-}" ]; then
  echo "server RSS at start: $(rss) MiB"
  ( start=$SECONDS; while kill -0 "$PID" 2>/dev/null; do
      sleep 30; echo "RSS after $((SECONDS - start)) s: $(rss) MiB"; done ) &
  SAMPLER=$!
  end=$((SECONDS + SOAK))
  while [ "$SECONDS" -lt "$end" ] && [ "$status" -eq 0 ]; do run_pages; done
  kill "$SAMPLER" 2>/dev/null || true
  echo "server RSS at the end: $(rss) MiB"
else
  run_pages
fi
if [ -n "$MOVER" ]; then
  # Still moving at the end, or the pages were measured without the writes.
  kill -0 "$MOVER" 2>/dev/null || { echo "the background moves stopped:" >&2; cat "$WORK/moves.log" >&2; status=1; }
  kill "$MOVER" 2>/dev/null || true
  wait "$MOVER" 2>/dev/null || true
  echo "background moves (clients | moves/s | p50 | p99 | max | statuses):"
  tail -1 "$WORK/moves.log"
fi
if [ -n "$PERF" ]; then
  kill -INT "$PERF"; wait "$PERF" || true
  # Self time per function, the top 40 (perf's own column padding trimmed).
  perf report -i "$PROFILE" --no-children --sort symbol --stdio -g none 2>/dev/null \
    | grep -E '^ +[0-9]' | sed 's/ \{2,\}[- ]*$//' | head -40 || true
fi
awk '/VmHWM/ { printf "server peak RSS %.1f MiB\n", $2 / 1024 }' "/proc/$PID/status"
if [ -n "${MEMORY:-}" ]; then memory_breakdown; fi
# The server logs each statement slower than --slow-statement-ms (the start of its SQL,
# never its values): how many, and the slowest of each kind, where to look first.
python3 bench/slow-statements.py "$WORK/server.log"
exit "$status"
