import { expect, test, type Page } from "@playwright/test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { newAccount, Pipewright } from "./fixtures/pipewright";

// The size budget (bundle-budget.json at the repository's root): everything a page
// downloads from /pkg/ before it is usable, counted as the brotli copies the server
// sends. Deterministic for a given build, so it is enforced here, not benchmarked.
const root = resolve(__dirname, "..", "..");
const site = resolve(root, process.env.LEPTOS_SITE_ROOT ?? "target/site");
const budget = JSON.parse(readFileSync(join(root, "bundle-budget.json"), "utf8")) as {
  pipeline: number;
  deal: number;
  any_page: number;
};

test.beforeEach(({ javaScriptEnabled }, testInfo) => {
  test.skip(!javaScriptEnabled || testInfo.project.name !== "desktop", "one measurement per build");
});

/**
 * Loads `path` with an empty cache and sums the brotli size of every /pkg/ file the page
 * asked for before it marked itself hydrated. The moment is taken in the page (an
 * observer on `<html data-hydrated>`), not when this test notices it: the idle
 * prefetch of the likely next page starts 1.5 s after hydration, and on a busy CI
 * machine the test's polling can notice later than that.
 */
async function initialBytes(page: Page, path: string) {
  await page.addInitScript(() => {
    // Far more than a page fetches, so no entry is dropped from the timeline.
    performance.setResourceTimingBufferSize(5000);
    // Init scripts run before `<html>` exists, so the document is watched.
    new MutationObserver((_, observer) => {
      if (document.documentElement?.hasAttribute("data-hydrated")) {
        (window as unknown as { hydratedAt: number }).hydratedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
  });
  await page.goto(path);
  await expect(page.locator("html[data-hydrated]")).toBeAttached();
  const { hydrated, before, after } = await page.evaluate(() => {
    const hydratedAt = (window as unknown as { hydratedAt?: number }).hydratedAt;
    const before = new Set<string>();
    const after = new Set<string>();
    for (const entry of performance.getEntriesByType("resource")) {
      const file = new URL(entry.name).pathname;
      if (!file.startsWith("/pkg/")) continue;
      (entry.startTime <= hydratedAt ? before : after).add(file);
    }
    return {
      hydrated: typeof hydratedAt === "number",
      before: [...before],
      after: [...after].filter((file) => !before.has(file)),
    };
  });
  // Without the moment every file would count as "after" and any budget would pass.
  expect(hydrated, "the page's hydration moment was not recorded").toBe(true);
  expect(before.some((file) => /^\/pkg\/pipewright\..*\.wasm$/.test(file)), "the main module counted").toBe(true);
  let total = 0;
  const listing: string[] = [];
  for (const file of before) {
    const compressed = join(site, `${file}.br`);
    expect(existsSync(compressed), `${compressed} missing: build with ./scripts/build.sh (--precompress)`).toBe(true);
    const size = statSync(compressed).size;
    total += size;
    listing.push(`${file}: ${size}`);
  }
  if (after.length > 0) listing.push(`(fetched after hydration, not counted: ${after.join(", ")})`);
  return { total, listing: listing.join("\n"), files: before };
}

test("the board is usable after at most the budgeted bytes of code", async ({ page, browser }) => {
  await new Pipewright(page).createWorkspace(newAccount());
  // The same session in a new context: an empty cache, as on a first visit.
  const fresh = await browser.newContext({ storageState: await page.context().storageState() });
  const board = await fresh.newPage();
  const { total, listing, files } = await initialBytes(board, "/pipeline");
  console.log(`/pipeline initial bundle: ${total} bytes brotli\n${listing}`);
  // The board's chunks arrive as one pack (scripts/pack-chunks.mjs), not one by one.
  expect(files.filter((file) => file.startsWith("/pkg/pack_board_pages_")), listing).toHaveLength(1);
  expect(files.filter((file) => /^\/pkg\/(chunk|split)_/.test(file)), listing).toEqual([]);
  expect(total, `/pipeline loads ${total} bytes, budget ${budget.pipeline}:\n${listing}`).toBeLessThanOrEqual(budget.pipeline);
  await fresh.close();
});

test("a deal opened from a link is usable after at most the budgeted bytes of code", async ({ page, browser, baseURL }) => {
  await new Pipewright(page).createWorkspace(newAccount());
  const response = await page.request.post("/api/create_deal", {
    headers: { Origin: new URL(baseURL ?? page.url()).origin },
    data: { deal: { pipeline: null, stage: null, title: "Budget check", changes: [{ Value: "900" }] } },
  });
  expect(response.ok(), await response.text()).toBeTruthy();
  const { card } = (await response.json()) as { card: { id: string } };
  const fresh = await browser.newContext({ storageState: await page.context().storageState() });
  const { total, listing, files } = await initialBytes(await fresh.newPage(), `/deals/${card.id}`);
  console.log(`/deals/:id initial bundle: ${total} bytes brotli\n${listing}`);
  // Its own group's pack: the deal list's table, filters and bulk bar are not in it.
  expect(files.filter((file) => file.startsWith("/pkg/pack_deal_pages_")), listing).toHaveLength(1);
  expect(files.filter((file) => file.startsWith("/pkg/pack_deal_list_pages_")), listing).toEqual([]);
  expect(files.filter((file) => /^\/pkg\/(chunk|split)_/.test(file)), listing).toEqual([]);
  expect(total, `/deals/:id loads ${total} bytes, budget ${budget.deal}:\n${listing}`).toBeLessThanOrEqual(budget.deal);
  await fresh.close();
});

test("no page needs more than the budgeted bytes of code before it is usable", async ({ page, browser }) => {
  test.slow();
  await new Pipewright(page).createWorkspace(newAccount());
  const state = await page.context().storageState();
  const paths = ["/sign-in", "/deals", "/inbox", "/marketing", "/activities", "/contacts", "/companies",
    "/dashboard", "/review", "/settings", "/settings/users", "/settings/teams", "/settings/pipeline", "/settings/leads"];
  for (const path of paths) {
    // A new context per page: an empty cache, as on a first visit.
    const context = await browser.newContext(path === "/sign-in" ? {} : { storageState: state });
    const { total, listing } = await initialBytes(await context.newPage(), path);
    console.log(`${path} initial bundle: ${total} bytes brotli`);
    expect(total, `${path} loads ${total} bytes, budget ${budget.any_page}:\n${listing}`).toBeLessThanOrEqual(budget.any_page);
    await context.close();
  }
});
