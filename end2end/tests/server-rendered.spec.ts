import { expect, test, type Page } from "@playwright/test";
import { newAccount, Pipewright } from "./fixtures/pipewright";

// What the server renders is the page, not a skeleton: before the bundle arrives (the
// first seconds on a phone) or with JavaScript off, every field shows the record's value.
// Runs in the no-JavaScript projects; with JavaScript on the same pages are covered by
// the feature specs.
test.beforeEach(({ javaScriptEnabled }) => {
  test.skip(javaScriptEnabled, "checks the server's HTML alone");
});

async function createDeal(page: Page, origin: string, title: string, changes: Record<string, string>[]) {
  const response = await page.request.post("/api/create_deal", {
    headers: { Origin: origin },
    data: { deal: { pipeline: null, stage: null, title, changes } },
  });
  expect(response.ok(), await response.text()).toBeTruthy();
  return ((await response.json()) as { card: { id: string } }).card.id;
}

test("a deal page shows every field's value before any script runs", async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? page.url()).origin;
  await new Pipewright(page).createWorkspace(newAccount());
  const id = await createDeal(page, origin, "Stark fleet upgrade", [
    { Value: "12500.50" },
    { Currency: "EUR" },
    { ExpectedCloseOn: "2027-03-31" },
    { NextStep: "Send the revised proposal" },
    { Source: "Referral" },
    { Tags: "fleet, renewal" },
  ]);
  await page.goto(`/deals/${id}`);
  await expect(page).toHaveTitle("Stark fleet upgrade · Pipewright");
  await expect(page.getByLabel("Title")).toHaveValue("Stark fleet upgrade");
  await expect(page.getByLabel("Value")).toHaveValue("12500.50");
  await expect(page.getByLabel("Currency")).toHaveValue("EUR");
  await expect(page.getByLabel("Expected close date")).toHaveValue("2027-03-31");
  await expect(page.getByLabel("Next step")).toHaveValue("Send the revised proposal");
  await expect(page.getByLabel("Source")).toHaveValue("Referral");
  await expect(page.getByLabel("Tags")).toHaveValue("fleet, renewal");
  await expect(page.getByLabel("Owner")).toHaveValue(/.+/); // the creator, selected
});

test("the board and the deal list show their records and filters", async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? page.url()).origin;
  await new Pipewright(page).createWorkspace(newAccount());
  await createDeal(page, origin, "Wayne retrofit", [{ Value: "4200" }]);
  await page.goto("/pipeline");
  await expect(page.getByRole("link", { name: /Wayne retrofit/ })).toBeVisible();
  await page.goto("/deals?q=Wayne&mine=1");
  await expect(page.getByLabel("Search deals")).toHaveValue("Wayne");
  await expect(page.getByLabel("My deals")).toBeChecked();
  await expect(page.getByRole("table", { name: "Deals" }).getByRole("link", { name: "Wayne retrofit" })).toBeVisible();
});

test("settings pages show the workspace's stages and reasons", async ({ page }) => {
  await new Pipewright(page).createWorkspace(newAccount());
  await page.goto("/settings/pipeline");
  const names = page.getByRole("textbox", { name: "Stage name" });
  await expect(names.first()).toHaveValue(/\S/);
  expect(await names.count()).toBeGreaterThan(3);
  await expect(page.getByLabel("Reasons, one per line")).toHaveValue(/\S/);
});
