import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { newAccount, Pipewright } from "./fixtures/pipewright";

// Settings → Activity log, for admins. The filters are a plain GET form and the download
// a plain link, so the page also works with JavaScript off (the second test).

const today = () => new Date().toISOString().slice(0, 10); // the log's dates are UTC

async function openLog(page: Page) {
  await page.goto("/settings");
  await page.getByRole("link", { name: "Open the activity log" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Activity log" })).toBeVisible();
}

async function filter(page: Page, choices: { person?: string; action: string; from?: string; to?: string }) {
  if (choices.person) await page.getByLabel("Person").selectOption({ label: choices.person });
  await page.getByLabel("Action").selectOption({ label: choices.action });
  if (choices.from) await page.getByLabel("From").fill(choices.from);
  if (choices.to) await page.getByLabel("To").fill(choices.to);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=/);
}

const events = (page: Page) => page.getByRole("list", { name: "Events" }).getByRole("listitem").filter({ has: page.locator("time") });

test("the activity log finds a stage move by person and date and exports it", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "moving a card is the board's hydrated part");
  const account = newAccount();
  const app = new Pipewright(page);
  await app.createWorkspace(account);
  await app.expectHydrated();
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill("Initech seats");
  await dialog.getByLabel("Value").fill("800");
  await dialog.getByRole("button", { name: "Add deal" }).click();
  const card = page.getByRole("link", { name: /^Initech seats,/ });
  await card.focus();
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Space");
  await expect(page.getByRole("status").filter({ hasText: "Moved Initech seats to Initial contact." })).toBeAttached();

  await openLog(page);
  await filter(page, { person: account.name, action: "Deal moved", from: today(), to: today() });
  await expect(events(page)).toHaveCount(1);
  const moved = events(page).first();
  await expect(moved).toContainText("Deal moved");
  await expect(moved.getByRole("link", { name: "Initech seats", exact: true })).toBeVisible();
  await expect(moved).toContainText("Stage: Qualified → Initial contact");
  await expect(moved).toContainText(account.name);

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^activity-log-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), "utf8").trim().split(/\r?\n/);
  expect(csv).toHaveLength(2);
  expect(csv[0]).toContain("person,action");
  expect(csv[1]).toContain("Deal moved");
  expect(csv[1]).toContain("Initech seats");
  expect(csv[1]).toContain("Stage: Qualified → Initial contact");

  // The download is itself in the log.
  await openLog(page);
  await filter(page, { action: "Data exported" });
  await expect(events(page)).toHaveCount(1);
});

test("sign-ins are listed with their address, and the filters work without JavaScript", async ({ page }) => {
  const account = newAccount();
  await new Pipewright(page).createWorkspace(account);
  await openLog(page);
  await filter(page, { action: "Signed in" });
  const signedIn = events(page).first();
  await expect(signedIn).toContainText("Signed in");
  await expect(signedIn).toContainText("127.0.0.1");
  await expect(signedIn).toContainText(account.name);
  // Each line narrows the log to its record.
  await signedIn.getByRole("link", { name: `Only ${account.name}` }).click();
  await expect(page.getByText("Showing one record only.")).toBeVisible();
  await expect(events(page).first()).toContainText(account.name);
});
