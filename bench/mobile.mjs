// A phone on a slow network, as a user meets it: loads /sign-in, /pipeline, a deal page,
// /inbox and /dashboard in Debian's Chromium under the standard mobile conditions
// (slow 4G: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip; CPU slowed 4x), first
// with an empty cache, then again with the cache the first visit left. Reports time to
// first content, time to usable (the page has hydrated: a card can be picked up, a lead
// taken), Largest Contentful Paint, Total Blocking Time and bytes transferred (all, and
// the code under /pkg/). Run by bench/mobile.sh against a seeded release server.
import { chromium } from "@playwright/test";
import { signIn } from "./session.mjs";

const base = process.env.PIPEWRIGHT_URL ?? "http://127.0.0.1:3197";
const runs = Number(process.env.RUNS ?? 3);
const viewports = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };
const network = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 93_750 };


async function firstDeal(cookie) {
  const response = await fetch(`${base}/api/board`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ filter: { pipeline: null, owner: null, mine: false, tag: "", text: "" } }),
  });
  const board = await response.json();
  const card = board.columns.flatMap((c) => c.cards ?? c.deals ?? [])[0];
  if (!card) throw new Error("no deal on the board");
  return card.id;
}

// Collected in the page from its first moment: paints, long tasks, hydration.
function observe() {
  window.__perf = { lcp: 0, longTasks: [], hydrated: null, live: null, usable: null };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__perf.lcp = entry.startTime;
  }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__perf.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: "longtask", buffered: true });
  // Usable = hydrated (`<html data-hydrated>`, set once the page's view answers
  // clicks). Builds before that marker existed are timed by the top bar's "Live" badge,
  // which the running WASM sets after one more round trip on the live socket.
  new MutationObserver(() => {
    const now = performance.now();
    const perf = window.__perf;
    if (perf.hydrated === null && document.documentElement.hasAttribute("data-hydrated")) perf.hydrated = now;
    if (perf.live === null && [...document.querySelectorAll("[role=status]")].some((e) => e.textContent.trim() === "Live")) {
      perf.live = now;
    }
    if (perf.usable === null) perf.usable = perf.hydrated ?? perf.live;
  }).observe(document, { attributes: true, childList: true, subtree: true, characterData: true });
}

async function load(page, cdp, path) {
  const bytes = { all: 0, code: 0 };
  const urls = new Map();
  const onResponse = (event) => urls.set(event.requestId, event.response.url);
  const onFinished = (event) => {
    bytes.all += event.encodedDataLength;
    if ((urls.get(event.requestId) ?? "").includes("/pkg/")) bytes.code += event.encodedDataLength;
  };
  cdp.on("Network.responseReceived", onResponse);
  cdp.on("Network.loadingFinished", onFinished);
  await page.goto(`${base}${path}`, { waitUntil: "commit" });
  // A build without the hydration mark has nothing to wait for on signed-out pages.
  await page.waitForFunction(() => window.__perf?.usable !== null, null, { timeout: 40_000, polling: 50 }).catch(() => {});
  await page.waitForTimeout(500); // late paints and the preloaded next chunk's start
  const perf = await page.evaluate(() => {
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0;
    const tbt = window.__perf.longTasks
      .filter(([start]) => start >= fcp && start <= (window.__perf.usable ?? performance.now()))
      .reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0);
    return { fcp, usable: window.__perf.usable ?? NaN, live: window.__perf.live ?? 0, lcp: window.__perf.lcp, tbt };
  });
  cdp.off("Network.responseReceived", onResponse);
  cdp.off("Network.loadingFinished", onFinished);
  return { ...perf, bytes: bytes.all, code: bytes.code };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const s = (ms) => (Number.isNaN(ms) ? "n/a" : `${(ms / 1000).toFixed(2)} s`);

const cookie = await signIn(base);
const deal = await firstDeal(cookie);
const pages = [
  ["/sign-in", false],
  ["/pipeline", true],
  [`/deals/${deal}`, true],
  ["/inbox", true],
  ["/dashboard", true],
];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"],
});
console.log(`conditions: ${network.latency} ms RTT, ${(network.downloadThroughput * 8) / 1e6} Mbit/s down, CPU 4x slower; median of ${runs}`);
console.log("| viewport | page | cache | first content | usable | live | LCP | TBT | transferred | of it code |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const [viewportName, viewport] of Object.entries(viewports)) {
  for (const [path, signedIn] of pages) {
    const results = { cold: [], warm: [] };
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport, isMobile: viewportName === "phone", hasTouch: viewportName === "phone" });
      if (signedIn) {
        await context.addCookies([{ name: cookie.split("=")[0], value: cookie.split("=").slice(1).join("="), url: base }]);
      }
      const page = await context.newPage();
      await page.addInitScript(observe);
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", network);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      results.cold.push(await load(page, cdp, path));
      results.warm.push(await load(page, cdp, path));
      await context.close();
    }
    for (const cache of ["cold", "warm"]) {
      const r = results[cache];
      const pick = (key) => median(r.map((x) => x[key]));
      const shown = path.startsWith("/deals/") ? "/deals/:id" : path;
      console.log(`| ${viewportName} | ${shown} | ${cache} | ${s(pick("fcp"))} | ${s(pick("usable"))} | ${pick("live") ? s(pick("live")) : "–"} | ${s(pick("lcp"))} | ${pick("tbt").toFixed(0)} ms | ${kb(pick("bytes"))} | ${kb(pick("code"))} |`);
    }
  }
}
await browser.close();
