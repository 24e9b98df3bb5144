// Board benchmark: server-function latency of the board and of one column page, time
// until the board is interactive in headless Chromium, and the longest main-thread
// task while scrolling a long column. Run by bench/board.sh against a seeded server.
import { chromium } from "@playwright/test";
import { signIn } from "./session.mjs";

const base = process.env.PIPEWRIGHT_URL ?? "http://127.0.0.1:3198";
const runs = Number(process.env.RUNS ?? 200);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
const ms = (value) => `${value.toFixed(1)} ms`;


async function timeCalls(cookie, path, body) {
  const times = [];
  let last;
  for (let i = 0; i < runs + 10; i++) {
    const start = performance.now();
    const response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify(body),
    });
    last = await response.json();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(last)}`);
    if (i >= 10) times.push(performance.now() - start); // the first ten warm caches
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), last };
}

const cookie = await signIn(base);
const filter = { pipeline: null, owner: null, mine: false, tag: "", text: "" };
const board = await timeCalls(cookie, "/api/board", { filter });
const open = board.last.columns.reduce((sum, c) => sum + c.totals.deals, 0);
const first = board.last.columns[0];
const column = await timeCalls(cookie, "/api/board_column", { filter, stage: first.stage.id, offset: 600 });
const search = await timeCalls(cookie, "/api/board", { filter: { ...filter, text: "fleet" } });
console.log(`open deals in the pipeline: ${open} (largest column ${Math.max(...board.last.columns.map((c) => c.totals.deals))})`);
console.log(`board server function (${runs} calls): p50 ${ms(board.p50)}, p99 ${ms(board.p99)}`);
console.log(`column page at offset 600: p50 ${ms(column.p50)}, p99 ${ms(column.p99)}`);
console.log(`board with a text filter: p50 ${ms(search.p50)}, p99 ${ms(search.p99)}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
await context.addCookies([{ name: cookie.split("=")[0], value: cookie.split("=").slice(1).join("="), url: base }]);
const page = await context.newPage();
await page.addInitScript(() => {
  window.__longest = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longest = Math.max(window.__longest, entry.duration);
  }).observe({ type: "longtask", buffered: true });
});
const interactive = [];
for (let i = 0; i < 5; i++) {
  const start = Date.now();
  await page.goto(`${base}/pipeline`);
  // Interactive = hydrated: a card answers the keyboard pick-up.
  const cardLink = page.locator(".deal-card").first();
  await cardLink.focus();
  for (;;) {
    await page.keyboard.press("Space");
    if (await page.getByRole("status").filter({ hasText: "Picked up" }).count()) break;
    await page.waitForTimeout(10);
  }
  interactive.push(Date.now() - start);
  await page.keyboard.press("Escape");
}
interactive.sort((a, b) => a - b);
const loadLongest = await page.evaluate(() => window.__longest);
await page.evaluate(() => (window.__longest = 0));
// Scroll the longest column to 600 cards deep, page by page, as a person would.
const gaps = await page.evaluate(async () => {
  const list = document.querySelector(".column-cards");
  let worst = 0;
  let last = performance.now();
  let frames = 0;
  await new Promise((done) => {
    const step = () => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
      list.scrollTop += 120;
      if (++frames < 600) requestAnimationFrame(step);
      else done();
    };
    requestAnimationFrame(step);
  });
  return { worst, cards: list.querySelectorAll(".deal-card").length };
});
const scrollLongest = await page.evaluate(() => window.__longest);
console.log(`time until the board is interactive (5 loads): median ${interactive[2]} ms, worst ${interactive[4]} ms`);
console.log(`longest main-thread task while loading: ${loadLongest ? ms(loadLongest) : "none over 50 ms"}`);
console.log(`scrolling one column (600 frames, ${gaps.cards} cards loaded): longest task ${scrollLongest ? ms(scrollLongest) : "none over 50 ms"}, longest frame gap ${ms(gaps.worst)}`);
await browser.close();
