#!/usr/bin/env bash
# The fuzzer's long run (issue 15): server/tests/fuzz.rs built in release mode, with many
# generated cases per server function, page and web form, on SQLite and PostgreSQL; then
# its figures: requests per endpoint and database, 5xx, panics, ERROR events, answers
# over the size bound, the slowest request and peak memory (VmHWM of the test process,
# which holds the server). Exits non-zero when the fuzzer found anything.
#
# Usage: bench/fuzz.sh [cases-per-endpoint] [seed]   (defaults 300 and a random seed)
# Needs PostgreSQL (PIPEWRIGHT_TEST_POSTGRES, default postgres://postgres@127.0.0.1:5432).
# The slow bound is 2 s in release (PIPEWRIGHT_FUZZ_SLOW_MS to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
CASES="${1:-300}"
SEED="${2:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

echo "fuzzing: $CASES cases per endpoint, seed $SEED"
status=0
# One process per database, so each one's peak memory is its own.
for test in sqlite_survives postgres_survives; do
  PIPEWRIGHT_FUZZ_CASES="$CASES" PIPEWRIGHT_FUZZ_SEED="$SEED" \
    PIPEWRIGHT_FUZZ_SLOW_MS="${PIPEWRIGHT_FUZZ_SLOW_MS:-2000}" \
    cargo test --release -p server --test fuzz -- --nocapture --exact "${test}_generated_input" \
    >>"$LOG" 2>&1 || status=$?
done

# Requests per endpoint: one row per endpoint, a column per database (sorted by sort,
# so any awk will do).
printf "\n%-40s %10s %10s %12s %12s\n" "endpoint / route" sqlite postgres "sqlite 5xx" "postgres 5xx"
awk '
  /^== fuzz figures, / { db = $4; inside = 1; next }
  inside && /requests over/ { inside = 0; next }
  inside && NF >= 6 && $(NF) ~ /^[0-9]+$/ && $(NF-4) ~ /^[0-9]+$/ {
    label = $1; for (i = 2; i <= NF - 5; i++) label = label " " $i
    sent[label, db] = $(NF-4); server[label, db] = $(NF); labels[label] = 1
  }
  END {
    for (l in labels)
      printf "%-40s %10s %10s %12s %12s\n", l, sent[l, "sqlite"], sent[l, "postgres"], server[l, "sqlite"], server[l, "postgres"]
  }' "$LOG" | sort

echo
grep -a -E "^issue 15, " "$LOG" || true
echo
grep -a -E "^(sqlite|postgres): ([0-9]+ requests|resident memory|[0-9]+ s$)" "$LOG" || true
if [ "$status" -ne 0 ]; then
  echo
  echo "FINDINGS (seed $SEED):"
  sed -n '/problems by endpoint/,/^\(sqlite\|postgres\): [0-9]* s$/p' "$LOG" | head -400
  grep -a -E "^(error|test result)|panicked at" "$LOG" | head -20
  mkdir -p target
  cp "$LOG" "target/fuzz-$SEED.log"
  echo "full log: target/fuzz-$SEED.log"
fi
exit "$status"
