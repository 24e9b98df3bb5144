import { expect, test, type Page } from "@playwright/test";
import { newAccount, Pipewright } from "./fixtures/pipewright";

// The weekly pipeline review: start one, see the deals that need a word, mark one
// reviewed with a comment; the next review shows what slipped since.

async function newDeal(page: Page, title: string, value: string) {
  // "New deal" opens its dialog only once the board has hydrated.
  await new Pipewright(page).expectHydrated();
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title", { exact: true }).fill(title);
  await dialog.getByLabel("Value").fill(value);
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog).toBeHidden();
}

/** Opens the deal from the board and saves a new expected close date. */
async function setCloseDate(page: Page, title: string, date: string) {
  await page.goto("/pipeline");
  // Hydrated first: the card then opens the deal in place, where fields save on change.
  await new Pipewright(page).expectHydrated();
  await page.getByRole("link", { name: new RegExp(`^${title},`) }).click();
  await page.getByLabel("Expected close date").fill(date);
  await page.getByLabel("Expected close date").press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Saved Expected close date." }).first()).toBeAttached();
}

const section = (page: Page, name: string) => page.getByRole("region", { name, exact: true });

test("a manager reviews the pipeline, comments, and the next review shows what slipped", async ({ page }) => {
  await new Pipewright(page).createWorkspace(newAccount());
  await page.goto("/pipeline");
  await newDeal(page, "Wayne fleet", "12,000");
  await setCloseDate(page, "Wayne fleet", "2030-01-31");

  await page.goto("/dashboard");
  await page.getByRole("link", { name: "Pipeline review" }).click();
  await expect(page).toHaveURL(/\/review$/);
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("status").filter({ hasText: "no review yet" })).toBeVisible();
  await page.getByRole("button", { name: "Start a new review" }).click();
  await expect(page.getByRole("status").filter({ hasText: "0 of 1 open deals reviewed" })).toBeVisible();

  const noNextStep = section(page, "No next step");
  await expect(noNextStep.getByRole("link", { name: "Wayne fleet" })).toBeVisible();
  await noNextStep.getByLabel("Comment on Wayne fleet").fill("Book the demo with their CFO");
  await noNextStep.getByRole("button", { name: "Mark reviewed" }).click();
  await expect(noNextStep).toContainText("Reviewed by");
  await expect(noNextStep).toContainText("Book the demo with their CFO");
  await expect(page.getByRole("status").filter({ hasText: "1 of 1 open deals reviewed" })).toBeVisible();

  // The close date moves out; the next review says so.
  await setCloseDate(page, "Wayne fleet", "2030-06-30");
  await page.goto("/review");
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Start a new review" }).click();
  const slipped = section(page, "Close date slipped");
  await expect(slipped.getByRole("link", { name: "Wayne fleet" })).toBeVisible();
  await expect(slipped).toContainText("Close date 2030-01-31 → 2030-06-30");
  const kept = page.getByRole("region", { name: "Kept reviews" });
  await expect(kept.getByRole("row")).toHaveCount(3);
});
