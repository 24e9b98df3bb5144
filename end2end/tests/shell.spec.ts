import { expect, test } from "@playwright/test";
import { newAccount, Pipewright } from "./fixtures/pipewright";

/** Nothing may make a phone screen scroll sideways. */
async function expectNoSidewaysScroll(page: import("@playwright/test").Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test("every section is reachable from the main navigation", async ({ page }) => {
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  await app.openSection("Dashboard");
  await expect(page.getByRole("group", { name: "Win rate", exact: true })).toBeVisible();
  await expectNoSidewaysScroll(page);
  for (const section of ["Inbox", "Activities", "Contacts", "Companies"]) {
    await app.openSection(section);
    await expectNoSidewaysScroll(page);
  }
  await app.openSection("Settings");
  await app.openSection("Pipeline");
  for (const stage of ["Qualified", "Initial contact", "Needs assessment", "Proposal", "Negotiation", "Closing"]) {
    const column = page.getByRole("region", { name: stage, exact: true });
    await expect(column).toBeAttached();
    await expect(column).toContainText("0 deals");
  }
  await expectNoSidewaysScroll(page);
});

test("an unknown address shows a helpful 404", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("the account menu opened before the page is usable stays open when it becomes usable", async ({ page }) => {
  const app = new Pipewright(page);
  const account = newAccount();
  await app.createWorkspace(account);
  // A slow network: the code arrives only after the menu has been opened.
  let release!: () => void;
  const arrived = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/pkg\/.*\.wasm$/, async (route) => {
    await arrived;
    await route.continue();
  });
  await page.goto("/settings");
  await page.getByLabel(`Account menu for ${account.name}`).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  release();
  await expect(page.locator("html[data-hydrated]")).toBeAttached();
  await app.expectHydrated();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  // A move to another page still closes it.
  await page.getByRole("link", { name: "Manage users" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeHidden();
});
