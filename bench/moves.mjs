// Stage moves as fast as CLIENTS concurrent clients (default 10) can send them, for
// DURATION seconds (default 20): each client owns one deal and moves it back and forth
// between the pipeline's first two stages (no entry criteria there), sending the
// version its last move answered. Prints moves/s, p50/p99/max latency and the answers
// other than 200 (a 409 or 422 here is a bug in the bench or the server). Run by
// bench/moves.sh against a seeded release server. PAUSE_MS makes each client wait that
// long after each move: bench/pages.sh runs one such client as a team's background writes.
import { signIn } from "./session.mjs";

const base = process.env.PIPEWRIGHT_URL ?? "http://127.0.0.1:3195";
const clients = Number(process.env.CLIENTS ?? 10);
const duration = Number(process.env.DURATION ?? 20);
const pause = Number(process.env.PAUSE_MS ?? 0);
const login = { email: process.env.LOGIN_EMAIL, password: process.env.LOGIN_PASSWORD };

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

async function call(cookie, endpoint, body) {
  const response = await fetch(`${base}/api/${endpoint}`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

const cookie = await signIn(base, login);
const filter = { pipeline: null, owner: null, mine: false, tag: "", text: "", no_next_step: false };
const board = (await call(cookie, "board", { filter })).body;
const [first, second] = board.columns.map((column) => column.stage.id);
filter.pipeline = board.pipeline;
// One deal per client, from the first two columns, paged in as needed.
const deals = [];
for (const column of board.columns.slice(0, 2)) {
  let offset = 0;
  let page = column.cards;
  while (deals.length < clients && page.length) {
    for (const card of page) deals.push({ id: card.id, version: card.version, stage: column.stage.id });
    offset += page.length;
    page = (await call(cookie, "board_column", { filter, stage: column.stage.id, offset })).body ?? [];
  }
}
if (deals.length < clients) throw new Error(`only ${deals.length} deals in the first two stages for ${clients} clients`);

const times = [];
const statuses = {};
const end = performance.now() + duration * 1000;
const client = async (deal) => {
  while (performance.now() < end) {
    const stage = deal.stage === first ? second : first;
    const start = performance.now();
    const answer = await call(cookie, "move_deal", {
      command: { deal: deal.id, version: deal.version, stage, changes: [] },
    });
    times.push(performance.now() - start);
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    if (answer.status !== 200) break;
    deal.version = answer.body.card.version;
    deal.stage = stage;
    if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
  }
};
const started = performance.now();
const ms = (value) => `${value.toFixed(1)} ms`;
function report() {
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  console.log(
    `| ${clients} | ${(statuses[200] ?? 0) / seconds | 0} | ${ms(percentile(times, 50))} | ` +
      `${ms(percentile(times, 99))} | ${ms(times.at(-1) ?? 0)} | ` +
      `${Object.entries(statuses).map(([s, n]) => `${s}: ${n}`).join(", ")} |`,
  );
  if (Object.keys(statuses).some((status) => status !== "200")) process.exitCode = 1;
}
// Stopped from outside (bench/pages.sh's background writes): what was moved until then.
process.on("SIGTERM", () => {
  report();
  process.exit();
});
await Promise.all(deals.slice(0, clients).map(client));
report();
