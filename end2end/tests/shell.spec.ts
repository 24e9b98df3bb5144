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
