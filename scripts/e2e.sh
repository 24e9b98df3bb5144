#!/usr/bin/env bash
# Starts the release build on a fresh SQLite file and runs the Playwright suite against it.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
PORT="${PIPEWRIGHT_E2E_PORT:-3100}"
WORK=$(mktemp -d)
LOG="$WORK/server.log"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
# Mail (password-reset links, reminders) goes to a local sink that keeps each message
# as a file in $MAILBOX, where the tests read it.
SMTP_PORT=$((PORT + 25))
export PIPEWRIGHT_MAILBOX="$WORK/mailbox"
node end2end/smtp-sink.mjs "$SMTP_PORT" "$PIPEWRIGHT_MAILBOX" &
SINK=$!
# Every test signs up its own workspace from this machine: far more than a network may
# create in an hour (10), so the limit is raised here.

"$TARGET_DIR/release/pipewright" serve --addr "127.0.0.1:$PORT" \
  --database-url "sqlite://$WORK/e2e.db?mode=rwc" --reminder-sweep-secs 2 \
  --accounts-per-network-per-hour 100000 --smtp-relay "127.0.0.1:$SMTP_PORT" >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER $SINK 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT

# A second server on the demo data (10,000 deals, the same every time: the generator's
# seed is fixed) for what depends on a full pipeline, such as the board's page weight.
DEMO_PORT=$((PORT + 2))
"$TARGET_DIR/release/pipewright" demo --size 10000 --database-url "sqlite://$WORK/demo.db?mode=rwc" >"$WORK/demo.txt"
"$TARGET_DIR/release/pipewright" serve --addr "127.0.0.1:$DEMO_PORT" \
  --database-url "sqlite://$WORK/demo.db" >"$WORK/demo-server.log" 2>&1 &
DEMO=$!
trap 'kill $SERVER $SINK $DEMO 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
export PIPEWRIGHT_DEMO_URL="http://127.0.0.1:$DEMO_PORT"
export PIPEWRIGHT_DEMO_EMAIL=$(awk '$1 == "Admin" { print $2; exit }' "$WORK/demo.txt")
export PIPEWRIGHT_DEMO_PASSWORD=$(sed -n 's/.*(password: \(.*\)):.*/\1/p' "$WORK/demo.txt")

for url in "http://127.0.0.1:$PORT" "$PIPEWRIGHT_DEMO_URL"; do
  for _ in $(seq 1 60); do
    curl -fsS "$url/healthz" >/dev/null 2>&1 && break
    kill -0 $SERVER 2>/dev/null || { cat "$LOG"; echo "server exited" >&2; exit 1; }
    kill -0 $DEMO 2>/dev/null || { cat "$WORK/demo-server.log"; echo "demo server exited" >&2; exit 1; }
    sleep 0.5
  done
done

cd end2end
PIPEWRIGHT_URL="http://127.0.0.1:$PORT" ../node_modules/.bin/playwright test "$@" || {
  echo "--- server log ---"; tail -50 "$LOG"; exit 1;
}
# A clean run leaves no error in the server's log: an error here is a bug users would meet.
if grep -q "ERROR" "$LOG"; then
  echo "--- the server logged errors during the run ---"; grep -A5 "ERROR" "$LOG"; exit 1
fi
