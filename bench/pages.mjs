// Every page under load: CLIENTS concurrent clients (default 10) request one page for
// DURATION seconds (default 20), then the next page. Per page: requests/s, p50/p99
// latency, status counts, requests that ended without an answer (the connection closed,
// or no answer within 30 s), 200 answers without the page's content (only the shell's
// "Loading…"), and panics the server logged meanwhile. Exits 1 if any of the last three
// happened. Run by bench/pages.sh against a seeded release server.
import { signIn } from "./session.mjs";
import { readFileSync } from "node:fs";

const base = process.env.PIPEWRIGHT_URL ?? "http://127.0.0.1:3197";
const clients = Number(process.env.CLIENTS ?? 10);
const duration = Number(process.env.DURATION ?? 20);
const serverLog = process.env.SERVER_LOG;
// The server's process id: its CPU time (user + system, from /proc) per request is
// steadier than requests/s on a shared machine, where another tenant takes turns.
const serverPid = process.env.SERVER_PID;
const ticksPerSecond = 100; // USER_HZ on Linux
function serverCpuMs() {
  if (!serverPid) return NaN;
  // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
  const stat = readFileSync(`/proc/${serverPid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}
const login = {
  email: process.env.LOGIN_EMAIL ?? "alex.morgan@northwind.example",
  password: process.env.LOGIN_PASSWORD ?? "pipewright-demo",
};
// Optional subset, e.g. PAGES=/deals/:id,/contacts
const only = process.env.PAGES?.split(",").map((p) => p.trim());

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
const ms = (value) => `${value.toFixed(1)} ms`;

// Record ids linked from a list page, e.g. every `/deals/<uuid>` on /deals.
async function idsOn(cookie, list, prefix) {
  const html = await (await fetch(`${base}${list}`, { headers: { cookie } })).text();
  const links = html.matchAll(new RegExp(`href="${prefix}/([0-9a-f-]{36})"`, "g"));
  return [...new Set([...links].map((m) => m[1]))];
}

// The first of `lists` that links to any record under `prefix`. Each is tried a few
// times: a list served without its content (see "shell only") must not stop the run.
async function ids(cookie, lists, prefix) {
  for (let attempt = 0; attempt < 5; attempt++) {
    for (const list of lists) {
      const found = await idsOn(cookie, list, prefix);
      if (found.length) return found;
    }
  }
  throw new Error(`no ${prefix}/<id> link on ${lists.join(", ")}`);
}

// Bytes of the server log so far, and the panics in what was added since `from`.
function logSince(from) {
  if (!serverLog) return { size: 0, panics: 0 };
  const log = readFileSync(serverLog);
  const added = log.subarray(from).toString("utf8");
  return { size: log.length, panics: added.split("panicked at").length - 1 };
}

async function load(page, cookie) {
  const times = [];
  const statuses = {};
  const noAnswer = {};
  let shellOnly = 0;
  let next = 0;
  const end = performance.now() + duration * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const id = page.ids?.[next++ % page.ids.length];
      const path = id ? page.path.replace(":id", id) : page.path;
      const start = performance.now();
      try {
        const response = await fetch(`${base}${path}`, {
          method: page.body ? "POST" : "GET",
          headers: page.signedOut ? {} : page.body ? { cookie, "content-type": "application/json" } : { cookie },
          body: page.body,
          redirect: "manual",
          signal: AbortSignal.timeout(30_000),
        });
        const body = await response.text();
        times.push(performance.now() - start);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        // Every page, signed in or out, renders `<main id="main">` once its data is in;
        // a data call answers with what it was asked for.
        const content = page.body ? page.expect : 'id="main"';
        if (response.status === 200 && !body.includes(content)) shellOnly++;
      } catch (error) {
        const why = error.name === "TimeoutError" ? "timeout" : (error.cause?.code ?? error.message);
        noAnswer[why] = (noAnswer[why] ?? 0) + 1;
      }
    }
  };
  const started = performance.now();
  const cpuBefore = serverCpuMs();
  await Promise.all(Array.from({ length: clients }, client));
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = (serverCpuMs() - cpuBefore) / Math.max(1, times.length);
  times.sort((a, b) => a - b);
  return { times, statuses, noAnswer, shellOnly, seconds, cpuMs };
}

const cookie = await signIn(base, login);
const deals = await ids(cookie, ["/deals"], "/deals");
const companies = await ids(cookie, ["/companies"], "/companies");
const contacts = await ids(cookie, ["/contacts"], "/contacts");
const leads = await ids(cookie, ["/inbox", "/inbox?view=mine", "/inbox?view=sql", "/inbox?view=mql"], "/inbox");
const pages = [
  { path: "/pipeline" },
  { path: "/deals" },
  { path: "/deals/:id", ids: deals },
  { path: "/companies" },
  { path: "/companies/:id", ids: companies },
  { path: "/contacts" },
  { path: "/contacts/:id", ids: contacts },
  { path: "/inbox" },
  { path: "/inbox/:id", ids: leads },
  { path: "/marketing" },
  { path: "/activities" },
  { path: "/dashboard" },
  { path: "/review" },
  { path: "/settings" },
  { path: "/settings/users" },
  { path: "/settings/teams" },
  { path: "/settings/pipeline" },
  { path: "/settings/leads" },
  // The board's data call, as the board asks for it when its filter changes.
  {
    path: "/api/board",
    body: JSON.stringify({ filter: { pipeline: null, owner: null, mine: false, tag: "", text: "", no_next_step: false } }),
    expect: '"columns"',
  },
  // Signed in, these redirect to the pipeline; they are loaded as a visitor sees them.
  { path: "/sign-in", signedOut: true },
  { path: "/sign-up", signedOut: true },
].filter((page) => !only || only.includes(page.path));

console.log(`${clients} clients × ${duration} s per page, signed in as ${login.email}; ` +
  `ids: ${deals.length} deals, ${companies.length} companies, ${contacts.length} contacts, ${leads.length} leads`);
console.log("| page | requests/s | p50 | p99 | CPU ms/request | statuses | no answer | shell only | panics |");
console.log("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
let failed = false;
let { size } = logSince(0);
for (const page of pages) {
  const result = await load(page, cookie);
  // Let the server finish writing what the last requests logged.
  await new Promise((done) => setTimeout(done, 200));
  const log = logSince(size);
  size = log.size;
  const closed = Object.values(result.noAnswer).reduce((a, b) => a + b, 0);
  const statuses = Object.entries(result.statuses).map(([s, n]) => `${s}: ${n}`).join(", ");
  const causes = Object.entries(result.noAnswer).map(([why, n]) => `${n} ${why}`).join(", ");
  failed ||= closed > 0 || result.shellOnly > 0 || log.panics > 0;
  console.log(`| ${page.path} | ${(result.times.length / result.seconds).toFixed(1)} | ` +
    `${ms(percentile(result.times, 50))} | ${ms(percentile(result.times, 99))} | ` +
    `${Number.isNaN(result.cpuMs) ? "–" : result.cpuMs.toFixed(2)} | ${statuses} | ` +
    `${closed}${causes ? ` (${causes})` : ""} | ${result.shellOnly} | ${log.panics} |`);
}
const total = logSince(0).panics;
console.log(`panics in the whole server log: ${total}`);
if (failed || total > 0) {
  console.log("FAILED: a panic, a request without an answer, or a page without its content");
  process.exitCode = 1;
}
