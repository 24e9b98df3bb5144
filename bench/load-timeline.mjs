// Where a cold load's time goes, under bench/mobile.mjs's phone conditions: when each
// file under /pkg/ started and finished arriving, the long tasks, and the moment the
// page was usable. Tells apart "waiting for bytes" from "compiling and hydrating".
// Usage (a release server on the demo: `pipewright demo --seed 7 --database-url U`, then
// `pipewright serve --addr 127.0.0.1:3197 --database-url U`):
//   PIPEWRIGHT_URL=… node bench/load-timeline.mjs [/path ...]   ("deal" = the first deal)
// AB=N loads each page 2N times, in the order A B B A …, where A is the page as served
// and B the page whose HTML has each [from, to] pair of the JSON file AB_FILE applied
// (say, lines of the inline chunk guard: an A/B of a change to it on one build,
// without a rebuild), and prints the medians of both. Both arms' HTML passes through
// the same interception, so neither skips the emulated network.
import { chromium } from "@playwright/test";
import { readFileSync } from "node:fs";
import { signIn } from "./session.mjs";

const base = process.env.PIPEWRIGHT_URL ?? "http://127.0.0.1:3197";
const network = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 };
const cookie = await signIn(base);
const board = await (await fetch(`${base}/api/board`, {
  method: "POST",
  headers: { "content-type": "application/json", cookie },
  body: JSON.stringify({ filter: { pipeline: null, owner: null, mine: false, tag: "", text: "" } }),
})).json();
const deal = board.columns.flatMap((c) => c.cards ?? [])[0].id;
const paths = (process.argv.length > 2 ? process.argv.slice(2) : ["/pipeline", "deal"]).map((p) => (p === "deal" ? `/deals/${deal}` : p));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"],
});
const ab = Number(process.env.AB ?? 0);
const pairs = ab > 0 ? JSON.parse(readFileSync(process.env.AB_FILE ?? "", "utf8")) : [];
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const timed = { with: new Map(), without: new Map() };
// A B B A: neither arm always goes first (the machine warms up, the cache of the OS).
const loads = ab > 0
  ? paths.flatMap((path) => Array.from({ length: 2 * ab }, (_, i) => [path, [false, true, true, false][i % 4]]))
  : paths.map((p) => [p, false]);
for (const [path, without] of loads) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  if (ab > 0) {
    await context.route((url) => url.pathname === new URL(`${base}${path}`).pathname, async (route) => {
      const response = await route.fetch();
      let html = await response.text();
      for (const [from, to] of without ? pairs : []) {
        if (!html.includes(from)) throw new Error(`AB_FILE: not in the page: ${from}`);
        html = html.replace(from, () => to);
      }
      await route.fulfill({ response, body: html });
    });
  }
  const [name, value] = cookie.split(";")[0].split("=");
  await context.addCookies([{ name, value, url: base }]);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", network);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push([e.startTime, e.duration])))
      .observe({ type: "longtask", buffered: true });
    new MutationObserver((_, o) => {
      if (document.documentElement?.hasAttribute("data-hydrated")) { window.__hydrated = performance.now(); o.disconnect(); }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
  });
  await page.goto(`${base}${path}`, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__hydrated, null, { timeout: 40_000, polling: 50 });
  const t = await page.evaluate(() => ({
    hydrated: window.__hydrated,
    long: window.__long,
    files: performance.getEntriesByType("resource").concat(performance.getEntriesByType("navigation"))
      .map((e) => [new URL(e.name).pathname.replace(/\.[A-Za-z0-9_-]{20,}\./, ".…."), e.startTime, e.responseStart, e.responseEnd, e.encodedBodySize]),
  }));
  const shown = path.replace(deal, ":id");
  (without ? timed.without : timed.with).set(shown, [...((without ? timed.without : timed.with).get(shown) ?? []), t.hydrated]);
  await context.close();
  if (ab > 0) continue;
  console.log(`== ${shown}: usable at ${t.hydrated.toFixed(0)} ms`);
  for (const [file, start, first, end, size] of t.files.sort((a, b) => a[1] - b[1]).filter((f) => f[1] < t.hydrated)) {
    console.log(`  ${file.padEnd(48)} start ${start.toFixed(0).padStart(5)}  first byte ${first.toFixed(0).padStart(5)}  done ${end.toFixed(0).padStart(5)}  ${size} B`);
  }
  console.log(`  long tasks (start+duration ms): ${t.long.map(([s, d]) => `${s.toFixed(0)}+${d.toFixed(0)}`).join(" ")}`);
}
for (const [shown, times] of ab > 0 ? timed.with : []) {
  const fmt = (list) => `median ${median(list).toFixed(0)} ms (${list.map((v) => v.toFixed(0)).join(", ")})`;
  console.log(`${shown}: usable, as served ${fmt(times)}; changed ${fmt(timed.without.get(shown))}`);
}
await browser.close();
