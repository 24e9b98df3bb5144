import { expect, test, type Page } from "@playwright/test";
import { joinAsTeammate, newAccount, Pipewright } from "./fixtures/pipewright";

// The dashboard's true figures, live: a deal won or lost in another person's browser
// changes win rate, won value and the forecast here without a reload.

const figure = (page: Page, name: string) => page.getByRole("group", { name, exact: true });

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

test("figures follow deals won and lost in another browser, without a reload", async ({ page, browser }) => {
  await new Pipewright(page).createWorkspace(newAccount());
  await page.goto("/pipeline");
  await newDeal(page, "Initech renewal", "6,000");
  await newDeal(page, "Globex pilot", "2,000");
  const sam = await joinAsTeammate(page, browser, "Sam Okafor", "Manager");

  await page.goto("/dashboard");
  await page.waitForLoadState("networkidle");
  await expect(figure(page, "Win rate")).toContainText("—");
  await expect(figure(page, "Open pipeline")).toContainText("$8,000");
  await expect(figure(page, "New deals")).toContainText("2");
  const forecast = page.getByRole("region", { name: "Forecast by month" });
  await expect(forecast.getByRole("img")).toBeVisible();
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

  await sam.page.goto("/pipeline");
  // Hydrated first: the card then opens the deal in place, with working buttons.
  await new Pipewright(sam.page).expectHydrated();
  await sam.page.getByRole("link", { name: /^Initech renewal,/ }).click();
  await sam.page.getByRole("button", { name: "Mark won" }).click();
  await expect(sam.page.getByRole("button", { name: "Reopen" })).toBeVisible();

  await expect(figure(page, "Win rate")).toContainText("100.0%");
  await expect(figure(page, "Won")).toContainText("$6,000");
  await expect(figure(page, "Open pipeline")).toContainText("$2,000");
  await expect(forecast.getByRole("table")).toContainText("$6,000");

  await sam.page.goto("/pipeline");
  await new Pipewright(sam.page).expectHydrated();
  await sam.page.getByRole("link", { name: /^Globex pilot,/ }).click();
  await sam.page.getByRole("button", { name: "Mark lost" }).click();
  await sam.page.getByLabel("Why was it lost?").selectOption("Chose a competitor");
  await sam.page.getByRole("button", { name: "Confirm lost" }).click();

  await expect(figure(page, "Win rate")).toContainText("50.0%");
  await expect(figure(page, "Win rate")).toContainText("1 won · 1 lost");
  const reasons = page.getByRole("region", { name: "Lost reasons" });
  await expect(reasons.getByRole("table")).toContainText("Chose a competitor");
  const leaderboard = page.getByRole("region", { name: "Leaderboard" });
  await expect(leaderboard.getByRole("row", { name: /Dana/ })).toContainText("50.0%");
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  await sam.context.close();
});

test("a period without deals shows dashes, and the filter lives in the URL", async ({ page }) => {
  await new Pipewright(page).createWorkspace(newAccount());
  await page.goto("/dashboard");
  await page.getByRole("combobox", { name: "Period" }).selectOption({ label: "Last year" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/period=last-year/);
  await expect(figure(page, "Win rate")).toContainText("—");
  await expect(figure(page, "Sales cycle")).toContainText("—");
  await expect(page.getByRole("region", { name: "Leaderboard" })).toContainText("No deals closed or open for this filter.");
  const csv = page.getByRole("link", { name: "Download Conversion funnel as CSV" });
  await expect(csv).toHaveAttribute("href", /^data:text\/csv/);
  await expect(csv).toHaveAttribute("download", "conversion.csv");
});
