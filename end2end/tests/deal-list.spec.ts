import { expect, test, type Page } from "@playwright/test";
import { newAccount, Pipewright } from "./fixtures/pipewright";

type DealChange = Record<string, string>;

/** Creates a deal through the JSON endpoint, as the signed-in user of `page`. */
async function createDeal(page: Page, origin: string, title: string, changes: DealChange[] = [{ Value: "1000" }]) {
  const response = await page.request.post("/api/create_deal", {
    // The server refuses cross-site writes; a same-origin request says where it is from.
    headers: { Origin: origin },
    data: { deal: { pipeline: null, stage: null, title, changes } },
  });
  expect(response.ok(), `create ${title}: ${await response.text()}`).toBeTruthy();
}

/** The first row of deals (row 0 is the header). */
const firstDeal = (page: Page) => page.getByRole("table", { name: "Deals" }).getByRole("row").nth(1);

test("the deal list filters, sorts and pages fifty deals at a time", async ({ page, baseURL }) => {
  test.slow(); // 55 deals are created first
  const origin = new URL(baseURL ?? page.url()).origin;
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  // One at a time: the list's order must not depend on how writes interleave.
  for (let n = 1; n <= 54; n++) {
    await createDeal(page, origin, `Deal ${String(n).padStart(2, "0")}`, [{ Value: String(100 + n) }]);
  }
  await createDeal(page, origin, "Zeta rollout", [{ Value: "250000" }]);

  await page.goto("/deals");
  await expect(page.getByRole("heading", { level: 1, name: "Deals" })).toBeVisible();
  // The menus apply on change once the WASM runs; it is fetched by the page itself.
  await page.waitForLoadState("networkidle");
  await expect(page.getByText("Deals 1–50 of 55")).toBeVisible();
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page.getByText("Deals 51–55 of 55")).toBeVisible();
  await expect(page.getByRole("link", { name: "Next page" })).toHaveCount(0);
  await page.getByRole("link", { name: "Previous page" }).click();
  await expect(page.getByText("Deals 1–50 of 55")).toBeVisible();

  // The largest deal first; its value is shown in whole units.
  await page.getByLabel("Sort by").selectOption({ label: "Value (largest first)" });
  await expect(page).toHaveURL(/sort=value/);
  await expect(firstDeal(page)).toContainText("Zeta rollout");
  await expect(firstDeal(page)).toContainText("$250,000");

  await page.getByLabel("Sort by").selectOption({ label: "Title (A–Z)" });
  await expect(firstDeal(page)).toContainText("Deal 01");

  await page.getByLabel("Search deals").fill("zeta");
  await page.getByLabel("Search deals").press("Enter");
  await expect(page.getByText("Deals 1–1 of 1")).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Select Zeta rollout" })).toBeVisible();

  // A filter survives a reload: it lives in the address.
  await page.reload();
  await expect(page.getByLabel("Search deals")).toHaveValue("zeta");
  await page.getByRole("link", { name: "Zeta rollout" }).click();
  await expect(page).toHaveURL(/\/deals\/[0-9a-f-]{36}$/);

  await page.goto("/deals?q=nothing-like-this");
  await expect(page.getByText("No deals match these filters.")).toBeVisible();
});

test("bulk changes report the deals the stage rules refused", async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? page.url()).origin;
  const app = new Pipewright(page);
  const account = newAccount();
  await app.createWorkspace(account);
  // Proposal asks for a value and an expected close date.
  const ready = [{ Value: "5000" }, { ExpectedCloseOn: "2031-03-15" }];
  await createDeal(page, origin, "Ready Alpha", ready);
  await createDeal(page, origin, "Ready Bravo", ready);
  await createDeal(page, origin, "Undated Charlie", [{ Value: "700" }]);

  await page.goto("/deals");
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("region", { name: "Change selected deals" })).toBeHidden();
  await page.getByRole("checkbox", { name: "Select Ready Alpha" }).check();
  await page.getByRole("checkbox", { name: "Select Ready Bravo" }).check();
  await page.getByRole("checkbox", { name: "Select Undated Charlie" }).check();
  await expect(page.getByText("3 deals selected")).toBeVisible();
  await page.getByLabel("Move to stage").selectOption({ label: "Proposal" });
  await page.getByRole("button", { name: "Move deals" }).click();

  const report = page.getByRole("status").filter({ hasText: "deals changed" });
  await expect(report).toContainText("2 deals changed. 1 did not move:");
  await expect(report.getByRole("listitem")).toHaveText(/Undated Charlie — Proposal needs Expected close date/);
  // The list reloaded: the moved deals show their new stage, the selection is gone.
  await expect(page.getByRole("row", { name: /Ready Alpha/ })).toContainText("Proposal");
  await expect(page.getByRole("row", { name: /Undated Charlie/ })).toContainText("Qualified");
  await expect(page.getByRole("checkbox", { name: "Select Ready Alpha" })).not.toBeChecked();

  await page.getByRole("checkbox", { name: "Select all deals on this page" }).check();
  await expect(page.getByText("3 deals selected")).toBeVisible();
  await page.getByLabel("Assign owner").selectOption({ label: account.name });
  await page.getByRole("button", { name: "Assign deals" }).click();
  await expect(page.getByRole("status").filter({ hasText: "deals changed" })).toContainText("3 deals changed.");
  await page.getByRole("button", { name: "Dismiss" }).click();
  await expect(page.getByText("3 deals changed.")).toHaveCount(0);

  // Nothing here may make a phone screen scroll sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
