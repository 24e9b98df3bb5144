#!/usr/bin/env bash
# Side by side (issue 18): the performance peer (../shared/peer/djangocrm.sh, DjangoCRM from PyPI
# under gunicorn) and Pipewright in one run, with the same pinning (server on core 0, load on
# core 1), the same number of deals, the same seconds per run and 10 clients. Prints a markdown
# table of both sides and the ratios. Loopback only.
#
# Usage:  [DEALS=10000] [DURATION=20] [PEER_DB=sqlite|pg] [BIG_DEALS=0] [SKIP_PEER=1] bench/side-by-side.sh
#   SKIP_PEER=1  reuse the peer's results from an earlier run ($PEER_DIR/results-$PEER_DB; it must
#                have used the same DEALS and DURATION) instead of running the peer again
#   BIG_DEALS=N  the deal list at N deals too, on both sides (the peer's own default is 100000)
#   also PEER_DIR (~/.cache/pipewright-peer), WARMUP (5 s), SERVER_CPU (0), LOAD_CPU (1), PW_PORT (3198)
# Takes:  the peer ~10 min, plus its install and ~4 min to build oha the first time; Pipewright
#         ~2 min at DURATION=20 (seeding, 2 warm-ups, 4 runs), plus ~1 min with BIG_DEALS.
# Needs:  a release build (./scripts/build.sh), Node 20, and what the peer needs (../shared/peer/README.md).
# Output: the table on stdout and in $OUT/table.md; Pipewright's raw results in
#         OUT ($PEER_DIR/side-by-side-$PEER_DB-<time>), the peer's in $PEER_DIR/results-$PEER_DB.
#
# How each row is measured:
#   deal list, deal page: the peer's GET tool with the peer's flags on both sides (oha, or wrk + the
#     peer's report.lua if the peer had no oha), 10 connections, after the same warm-up. The peer's
#     page is deal DEALS/2's change page, Pipewright's the first deal linked from /deals.
#   stage change: the peer POSTs its deal change form with wrk (a 302 is a success); Pipewright moves
#     deals through its API with bench/moves.mjs (each client owns a deal). Different tools and
#     requests, the same count: successful changes per second.
#   /pipeline: bench/pages.mjs; the peer has no such page.
#   ok/s = answers with a status below 400 per second: the peer's stage changes on SQLite fail
#   with "database is locked" about a third of the time, and those do not count.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEALS=${DEALS:-10000} BIG_DEALS=${BIG_DEALS:-0} DURATION=${DURATION:-20} WARMUP=${WARMUP:-5}
PEER_DB=${PEER_DB:-sqlite} SERVER_CPU=${SERVER_CPU:-0} LOAD_CPU=${LOAD_CPU:-1}
PEER_DIR=${PEER_DIR:-$HOME/.cache/pipewright-peer}
PEER_RES=$PEER_DIR/results-$PEER_DB   # where djangocrm.sh writes (its RES default)
PEER_SH=$ROOT/../shared/peer/djangocrm.sh
BIN=${CARGO_TARGET_DIR:-target}/release/pipewright
PW_PORT=${PW_PORT:-3198}              # not PORT: djangocrm.sh reads that one
BASE=http://127.0.0.1:$PW_PORT
OUT=${OUT:-$PEER_DIR/side-by-side-$PEER_DB-$(date +%Y%m%d-%H%M%S)}
die() { echo "side-by-side: $*" >&2; exit 1; }

# Check Pipewright's side before the peer's ten minutes, not after.
[ -x "$BIN" ] || die "no release build at $BIN (./scripts/build.sh)"
command -v node >/dev/null || die "needs Node 20"
mkdir -p "$OUT"
WORK=$(mktemp -d)   # Pipewright's database files: large, not worth keeping
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------- the peer
if [ "${SKIP_PEER:-}" = 1 ] && [ -f "$PEER_RES/summary.txt" ]; then
  echo "SKIP_PEER=1: the peer's results from $(date -r "$PEER_RES/summary.txt" '+%F %H:%M') in $PEER_RES"
else
  [ -f "$PEER_SH" ] || die "no $PEER_SH"
  PEER_DIR=$PEER_DIR PEER_DB=$PEER_DB DEALS=$DEALS BIG_DEALS=$BIG_DEALS DURATION=$DURATION WARMUP=$WARMUP \
    SERVER_CPU=$SERVER_CPU LOAD_CPU=$LOAD_CPU bash "$PEER_SH"
fi
newest() {   # stem: a run leaves oha JSON or, without oha, wrk text; a reused results dir may hold both
  if [ -f "$1.json" ] && ! [ "$1.wrk.txt" -nt "$1.json" ]; then echo "$1.json"
  elif [ -f "$1.wrk.txt" ]; then echo "$1.wrk.txt"; fi
}
PEER_LIST=$(newest "$PEER_RES/a-list-c10-$DEALS")
[ -n "$PEER_LIST" ] || die "no deal-list result for DEALS=$DEALS in $PEER_RES (run without SKIP_PEER)"

# ---------------------------------------------------------------- Pipewright's GET tool: the peer's
if [[ $PEER_LIST == *.json ]]; then
  # found as djangocrm.sh finds it
  if [ -n "${OHA:-}" ]; then GET_TOOL=$OHA
  elif [ -x "$PEER_DIR/cargo/bin/oha" ]; then GET_TOOL=$PEER_DIR/cargo/bin/oha
  else GET_TOOL=$(command -v oha) || die "the peer was measured with oha, which is not found now"; fi
  EXT=json
else
  GET_TOOL=wrk EXT=wrk.txt
fi
get_run() {   # name path [seconds]: djangocrm.sh's get_run, the same flags, 10 connections
  local d=${3:-$DURATION}
  if [ "$EXT" = json ]; then
    taskset -c "$LOAD_CPU" "$GET_TOOL" -z "${d}s" -c 10 -w -t 120s --no-tui --output-format json \
      -H "Cookie: $COOKIE" "$BASE$2" > "$OUT/$1.json"
  else
    taskset -c "$LOAD_CPU" wrk -t1 -c10 -d"${d}s" --timeout 120s -H "Cookie: $COOKIE" \
      -s "$PEER_DIR/bench/report.lua" "$BASE$2" > "$OUT/$1.wrk.txt"
  fi
}

# ---------------------------------------------------------------- Pipewright
# Seeded and started as bench/pages.sh does it; that script runs its own server and its own node
# client, so oha cannot be pointed at it. RUST_LOG=warn as in bench/moves.sh (the peer logs errors only).
pw_start() {   # deals
  local url="sqlite://$WORK/pw-$1.db?mode=rwc"
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && die "something already answers on port $PW_PORT"
  "$BIN" demo --size "$1" --database-url "$url" > "$WORK/demo.txt"
  head -1 "$WORK/demo.txt"
  EMAIL=$(awk '$1 == "Admin" { print $2; exit }' "$WORK/demo.txt")
  PASSWORD=$(sed -n 's/.*(password: \(.*\)):.*/\1/p' "$WORK/demo.txt")
  RUST_LOG=warn LEPTOS_SITE_ROOT=target/site taskset -c "$SERVER_CPU" "$BIN" serve \
    --addr "127.0.0.1:$PW_PORT" --database-url "$url" > "$OUT/server-$1.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 40); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.25; done
  curl -fsS "$BASE/healthz" >/dev/null
  # The session cookie (name=value) for oha/wrk, signed in by the benches' own helper.
  COOKIE=$(LOGIN_EMAIL=$EMAIL LOGIN_PASSWORD=$PASSWORD node --input-type=module -e '
    import { signIn } from "./bench/session.mjs";
    const { LOGIN_EMAIL: email, LOGIN_PASSWORD: password } = process.env;
    console.log(await signIn(process.argv[1], { email, password }));' "$BASE")
}
pw_stop() {   # deals: the server's peak RSS in MiB to $OUT/rss-max-<deals>.txt, then stop it
  awk '/VmHWM/ { printf "%.1f\n", $2 / 1024 }' "/proc/$PID/status" > "$OUT/rss-max-$1.txt"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
}
pw_node() {   # script [VAR=value…]: one of the benches' node clients, 10 clients, on the load core
  local script=$1; shift
  env CLIENTS=10 DURATION="$DURATION" PIPEWRIGHT_URL="$BASE" LOGIN_EMAIL="$EMAIL" LOGIN_PASSWORD="$PASSWORD" "$@" \
    taskset -c "$LOAD_CPU" node "bench/$script"
}
FAILED=""

pw_start "$DEALS"
# A deal page to load: the first linked from the list (a list may come without its rows: retry).
DEAL=""
for _ in 1 2 3 4 5; do
  DEAL=$(curl -fsS -H "Cookie: $COOKIE" "$BASE/deals" | grep -o 'href="/deals/[0-9a-f-]\{36\}"' \
    | awk -F'"' 'NR == 1 { print $2 }') || true
  [ -n "$DEAL" ] && break
done
[ -n "$DEAL" ] || die "no /deals/<id> link on /deals"
echo "Pipewright: deal list, $DEAL, /pipeline, stage moves; $DURATION s each, 10 clients, tool $GET_TOOL"
get_run warmup-list /deals "$WARMUP"
get_run "a-list-c10-$DEALS" /deals
get_run warmup-detail "$DEAL" "$WARMUP"
get_run "b-detail-c10-$DEALS" "$DEAL"
# They exit 1 on a panic, an error answer or a page without content: noted, the table still printed.
pw_node pages.mjs PAGES=/pipeline SERVER_LOG="$OUT/server-$DEALS.log" > "$OUT/pipeline.txt" || FAILED="$FAILED pipeline.txt"
pw_node moves.mjs > "$OUT/moves-c10.txt" || FAILED="$FAILED moves-c10.txt"
# the one result row of each (bench/pages.mjs, bench/moves.mjs print markdown)
grep '^| /pipeline |' "$OUT/pipeline.txt" > "$OUT/pipeline.md" || true
grep '^| 10 |' "$OUT/moves-c10.txt" > "$OUT/moves-c10.md" || true
pw_stop "$DEALS"
if [ "$BIG_DEALS" -gt 0 ]; then
  pw_start "$BIG_DEALS"
  get_run warmup-list-big /deals "$WARMUP"
  get_run "a-list-c10-$BIG_DEALS" /deals
  pw_stop "$BIG_DEALS"
fi

# ---------------------------------------------------------------- the table
# Rows: kind|label|peer|Pipewright. run: two result files; mib: two numbers; bytes: two oha files.
TABLE_JS=$(cat <<'EOF'
const fs = require("fs");
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
// A result file -> { ok: answers below 400 per second, p50, p99 (ms), errors, bytes }, or null.
function stats(file) {
  if (!file || !fs.existsSync(file)) return null;
  const text = fs.readFileSync(file, "utf8");
  try {
    if (file.endsWith(".json")) {   // oha: seconds; its requestsPerSec counts failed requests too
      const d = JSON.parse(text), codes = Object.entries(d.statusCodeDistribution ?? {});
      const ok = sum(codes.filter(([code]) => +code < 400).map(([, n]) => n));
      const all = sum(codes.map(([, n]) => n)) + sum(Object.values(d.errorDistribution ?? {}));
      const p = d.latencyPercentiles;
      return { ok: ok / d.summary.total, p50: p.p50 * 1e3, p99: p.p99 * 1e3, errors: all - ok,
               bytes: d.summary.sizePerRequest };
    }
    if (file.endsWith(".wrk.txt")) {   // the peer's Lua done(): `JSON {...}` in ms; of the wrk
      // errors only non2xx3xx (answers >= 400) are among `requests`
      const d = JSON.parse(text.split("\n").find((l) => l.startsWith("JSON ")).slice(5));
      return { ok: (d.requests - d.non2xx3xx) / d.seconds, p50: d.p50_ms, p99: d.p99_ms,
               errors: d.non2xx3xx + d.timeouts + d.connect_err + d.read_err };
    }
    // a row of pages.mjs / moves.mjs: | name | per second | p50 ms | p99 ms | … "status: count" …
    const cells = text.trim().split("|").map((c) => c.trim());
    if (cells.length < 6) return null;
    const errors = sum([...text.matchAll(/\b(\d{3}): (\d+)/g)].filter((m) => +m[1] >= 400).map((m) => +m[2]));
    return { ok: parseFloat(cells[2]), p50: parseFloat(cells[3]), p99: parseFloat(cells[4]), errors };
  } catch (e) {
    console.error(`cannot read ${file}: ${e.message}`);
    return null;
  }
}
const num = (v) => (v >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1));
const ratio = (pw, peer) => (pw > 0 && peer > 0 ? `${pw / peer >= 10 ? Math.round(pw / peer) : (pw / peer).toFixed(2)}×` : "–");
const run = (s) => (s ? `${num(s.ok)}/s, ${num(s.p50)} / ${num(s.p99)} ms${s.errors ? ` (${s.errors} failed)` : ""}` : "–");
console.log("| endpoint | peer: ok/s, p50 / p99 | Pipewright: ok/s, p50 / p99 | Pipewright / peer |");
console.log("| --- | --- | --- | ---: |");
for (const row of process.argv.slice(1)) {
  const [kind, label, a, b] = row.split("|");
  if (kind === "run") {
    const [peer, pw] = [stats(a), stats(b)];
    console.log(`| ${label} | ${run(peer)} | ${run(pw)} | ${ratio(pw?.ok, peer?.ok)} |`);
  } else if (kind === "mib") {
    const [peer, pw] = [parseFloat(a), parseFloat(b)];
    if (peer || pw) console.log(`| ${label} | ${peer ? `${peer} MiB` : "–"} | ${pw ? `${pw} MiB` : "–"} | ${ratio(pw, peer)} |`);
  } else if (kind === "bytes") {
    const [peer, pw] = [stats(a)?.bytes, stats(b)?.bytes];
    if (peer || pw) console.log(`| ${label} | ${peer ? `${peer.toLocaleString("en")} B` : "–"} | ${pw ? `${pw.toLocaleString("en")} B` : "–"} | ${ratio(pw, peer)} |`);
  }
}
EOF
)
# The peer's peak: its sampler's maxima (gunicorn master + workers, summed) over the main run's phases.
PEER_RSS=$(cat "$PEER_RES"/rss-max-{list,detail,post}.txt 2>/dev/null | sort -n | tail -1 || true)
ROWS=(
  "run|deal list, 10 clients|$PEER_LIST|$OUT/a-list-c10-$DEALS.$EXT"
  "run|deal page, 10 clients|$(newest "$PEER_RES/b-detail-c10-$DEALS")|$OUT/b-detail-c10-$DEALS.$EXT"
  "run|stage change, 10 clients|$PEER_RES/c-post-c10-$DEALS.wrk.txt|$OUT/moves-c10.md"
)
[ -f "$PEER_RES/c-post-c10-immediate-$DEALS.wrk.txt" ] && ROWS+=(
  "run|stage change, 10 clients; peer on SQLite IMMEDIATE + WAL|$PEER_RES/c-post-c10-immediate-$DEALS.wrk.txt|$OUT/moves-c10.md")
ROWS+=("run|/pipeline, 10 clients (no peer page)||$OUT/pipeline.md")
[ "$BIG_DEALS" -gt 0 ] && ROWS+=(
  "run|deal list at $BIG_DEALS deals, 10 clients|$(newest "$PEER_RES/a-list-c10-$BIG_DEALS")|$OUT/a-list-c10-$BIG_DEALS.$EXT")
ROWS+=(
  "mib|server peak RSS|$PEER_RSS|$(cat "$OUT/rss-max-$DEALS.txt")"
  "bytes|deal list, bytes per answer|$PEER_LIST|$OUT/a-list-c10-$DEALS.$EXT"
  "bytes|deal page, bytes per answer|$(newest "$PEER_RES/b-detail-c10-$DEALS")|$OUT/b-detail-c10-$DEALS.$EXT"
)
{
  echo
  echo "Side by side, $(date +%F), Pipewright $(git rev-parse --short HEAD 2>/dev/null || echo '?'): $DEALS deals, peer on $PEER_DB," \
    "servers on core $SERVER_CPU, load on core $LOAD_CPU, $DURATION s per run, GETs with $(basename "$GET_TOOL")"
  echo
  node -e "$TABLE_JS" "${ROWS[@]}"
  echo
  echo "Peer: deal list /en/123/crm/deal/, deal page /en/123/crm/deal/$((DEALS / 2))/change/, stage change = wrk POSTing the change form."
  echo "Pipewright: /deals, $DEAL, stage change = bench/moves.mjs (API). Peak RSS: the peer's sampled sum of gunicorn"
  echo "processes, Pipewright's VmHWM. Bytes per answer as the GET tool received them (same request headers on both sides)."
} | tee "$OUT/table.md"
if [ -n "$FAILED" ]; then
  echo "FAILED (see $OUT):$FAILED" >&2
  exit 1
fi
