import { expect, test } from "@playwright/test";
import { newAccount, Pipewright } from "./fixtures/pipewright";

test("every section is reachable from the main navigation", async ({ page }) => {
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  for (const section of ["Inbox", "Activities", "Dashboard", "Contacts", "Companies"]) {
    await app.openSection(section);
    await expect(page.getByRole("status").filter({ hasText: "Coming soon" })).toBeVisible();
  }
  await app.openSection("Settings");
  await app.openSection("Pipeline");
  for (const stage of ["Qualified", "Initial contact", "Needs assessment", "Proposal", "Negotiation", "Closing"]) {
    await expect(page.getByRole("listitem", { name: `${stage}, 0 open deals` })).toBeVisible();
  }
});

test("an unknown address shows a helpful 404", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
