import { expect, test, type Page } from "@playwright/test";
import { newAccount, Pipewright } from "./fixtures/pipewright";

// Every page is its own WebAssembly chunk (app/src/routes.rs). These tests open each
// one by client-side navigation from a hydrated page, so each chunk is fetched and run
// in the browser, and use the page's main control; and they break chunk downloads on
// purpose to see the page recover.
test.beforeEach(({ javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "chunks are loaded by the WASM");
});

/** Follows an in-page link and waits for the page's heading: no full reload happens. */
async function follow(page: Page, link: string, heading: string | RegExp) {
  await page.getByRole("link", { name: link, exact: true }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
}

test("every lazy page opens by client-side navigation and its main control works", async ({ page }) => {
  test.slow();
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  await app.expectHydrated();
  // Set by the first page load; a full reload would clear it.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  // Board: a new deal through its dialog.
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill("Tour deal");
  await dialog.getByLabel("Value").fill("900");
  await dialog.getByRole("button", { name: "Add deal" }).click();
  const card = page.getByRole("link", { name: /^Tour deal,/ });
  await expect(card).toBeVisible();

  // Deal page: mark it won, then reopen it.
  await card.click();
  await expect(page.getByLabel("Title", { exact: true })).toHaveValue("Tour deal");
  await page.getByRole("button", { name: "Mark won" }).click();
  await page.getByRole("button", { name: "Reopen" }).click();
  await expect(page.getByRole("button", { name: "Mark won" })).toBeVisible();

  // Deal list: search.
  await app.openSection("Pipeline");
  await follow(page, "List", "Deals");
  await page.getByLabel("Search deals").fill("Tour");
  await page.getByLabel("Search deals").press("Enter");
  await expect(page.getByRole("table", { name: "Deals" }).getByRole("link", { name: "Tour deal" })).toBeVisible();

  // Inbox: add a lead; its page; the sources report.
  await app.openSection("Inbox");
  await page.getByText("Add a lead", { exact: true }).click();
  const form = page.getByRole("form", { name: "Add a lead" });
  await form.getByLabel("Name").fill("Tess Tour");
  await form.getByLabel("E-mail").fill("tess@tour.example");
  await form.getByRole("button", { name: "Add lead" }).click();
  await page.getByRole("link", { name: /^Mine/ }).click();
  await follow(page, "Tess Tour", "Tess Tour");
  await app.openSection("Inbox");
  await follow(page, "Sources report", "Sources report");

  // Activities: the whole team's list (the admin manages).
  await app.openSection("Activities");
  await page.getByLabel("Whole team").check();
  await expect(page.getByLabel("Whole team")).toBeChecked();

  // Contacts and companies: add one each, open it.
  await app.openSection("Contacts");
  await page.getByLabel("Name", { exact: true }).fill("Cody Contact");
  await page.getByRole("button", { name: "Add contact" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Cody Contact" })).toBeVisible();
  await app.openSection("Companies");
  await page.getByLabel("Name", { exact: true }).fill("Tour Corp");
  await page.getByRole("button", { name: "Add company" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tour Corp" })).toBeVisible();

  // Dashboard and the pipeline review.
  await app.openSection("Dashboard");
  await expect(page.getByRole("group", { name: "Win rate", exact: true })).toBeVisible();
  await follow(page, "Pipeline review", "Pipeline review");
  await page.getByRole("button", { name: "Start a new review" }).click();

  // Settings and each of its pages.
  await app.openSection("Settings");
  await follow(page, "Manage users", "Users");
  await page.getByLabel("E-mail").fill("new.rep@tour.example");
  await page.getByRole("button", { name: "Create invite link" }).click();
  await expect(page.getByLabel("Invite link")).toHaveValue(/\/invite\//);
  await app.openSection("Settings");
  await follow(page, "Manage teams", "Sales teams");
  await app.openSection("Settings");
  await follow(page, "Edit pipelines", "Pipeline settings");
  await expect(page.getByRole("textbox", { name: "Stage name" }).first()).toHaveValue("Qualified");
  await app.openSection("Settings");
  await follow(page, "Set up lead capture", "Lead capture");
  const newForm = page.getByRole("form", { name: "New web form" });
  await newForm.getByLabel("Form name").fill("Tour form");
  await newForm.getByRole("button", { name: "Create form" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Form “Tour form” is ready" })).toBeVisible();

  // All of it in one document: no page above was a full reload.
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
});

test("a page chunk that fails to download is retried, and the page says so meanwhile", async ({ page }) => {
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  await app.expectHydrated();
  // The network drops every chunk not loaded yet (the dashboard's among them).
  let failing = true;
  await page.route(/\/pkg\/.*\.wasm$/, (route) => (failing ? route.abort("internetdisconnected") : route.continue()));
  await app.openSection("Dashboard").catch(() => {});
  await expect(page.getByRole("alert")).toContainText("could not be downloaded");
  failing = false; // back online: the next retry gets it
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("alert")).toHaveCount(0);
});

test("a page whose pack of code fails to download loads its chunks one by one", async ({ page, browser }) => {
  await new Pipewright(page).createWorkspace(newAccount());
  // A new context: an empty cache, so the board's pack is asked for again, and fails.
  const fresh = await browser.newContext({ storageState: await page.context().storageState() });
  const board = await fresh.newPage();
  let packs = 0;
  await board.route(/\/pkg\/pack_.*\.bin$/, (route) => {
    packs += 1;
    return route.abort("connectionreset");
  });
  await board.goto("/pipeline");
  await new Pipewright(board).expectHydrated();
  await expect(board.getByRole("heading", { level: 1, name: "Pipeline" })).toBeAttached();
  await expect(board.getByRole("alert")).toHaveCount(0);
  expect(packs).toBeGreaterThan(0);
  await fresh.close();
});

test("a page whose pack of code stops arriving gives it up and loads its chunks one by one", async ({ page, browser }) => {
  test.slow();
  await new Pipewright(page).createWorkspace(newAccount());
  const fresh = await browser.newContext({ storageState: await page.context().storageState() });
  const board = await fresh.newPage();
  // The connection stays open and sends nothing: no error ever comes.
  let packs = 0;
  await board.route(/\/pkg\/pack_.*\.bin$/, () => {
    packs += 1;
    return new Promise(() => {});
  });
  await board.goto("/pipeline");
  // Given up after 10 s without a byte (PACK_STALL_MS), then usable from single chunks.
  await expect(board.locator("html[data-hydrated]")).toBeAttached({ timeout: 30_000 });
  await new Pipewright(board).expectHydrated();
  await expect(board.getByRole("alert")).toHaveCount(0);
  expect(packs).toBeGreaterThan(0);
  await fresh.close();
});

test("a tab left open across a release reloads when it asks for a chunk that is gone", async ({ page }) => {
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  await app.expectHydrated();
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  // As after a deploy: the server no longer has this release's chunk names.
  await page.route(/\/pkg\/.*\.wasm$/, (route) => route.fulfill({ status: 404, body: "gone" }), { times: 1 });
  await page.getByRole("link", { name: "Dashboard", exact: true }).first().click();
  // The loader loads the page that was being opened from the server, whole and current.
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await expect(page).toHaveURL(/\/dashboard$/);
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBeUndefined();
});
