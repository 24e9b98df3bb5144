import { expect, test } from "@playwright/test";
import { joinAsTeammate, newAccount, Pipewright } from "./fixtures/pipewright";

// Sales teams and goals: a manager groups reps into a team, sets the team a goal on
// the dashboard, and the goal's bar fills as deals are won; the dashboard filters by team.

test("a team goal fills as its members win deals, and the dashboard filters by team", async ({ page, browser }) => {
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  await page.goto("/pipeline");
  // "New deal" opens its dialog only once the board has hydrated.
  await app.expectHydrated();
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title", { exact: true }).fill("Umbrella expansion");
  await dialog.getByLabel("Value").fill("4,000");
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog).toBeHidden();

  // Sam is not in the team: his open deal counts for everyone, not for the team.
  const sam = await joinAsTeammate(page, browser, "Sam Okafor", "Manager");
  await sam.page.goto("/pipeline");
  await new Pipewright(sam.page).expectHydrated();
  await sam.page.getByRole("button", { name: "New deal" }).click();
  const samsDialog = sam.page.getByRole("dialog", { name: "New deal" });
  await samsDialog.getByLabel("Title", { exact: true }).fill("Sam's pilot");
  await samsDialog.getByLabel("Value").fill("1,500");
  await samsDialog.getByRole("button", { name: "Add deal" }).click();
  await expect(samsDialog).toBeHidden();
  await sam.context.close();

  await page.goto("/settings");
  await page.getByRole("link", { name: "Manage teams" }).click();
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Team name").fill("Enterprise");
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page.getByRole("region", { name: "Team Enterprise" })).toBeVisible();
  await page.getByRole("combobox", { name: "Team of Dana Whitfield" }).selectOption({ label: "Enterprise" });
  await page.getByRole("button", { name: "Save team of Dana Whitfield" }).click();
  await expect(page.getByRole("region", { name: "Team Enterprise" })).toContainText("1 member");

  await page.goto("/dashboard");
  await page.waitForLoadState("networkidle");
  const goals = page.getByRole("region", { name: "Goals" });
  await expect(goals).toContainText("No goals overlap this period.");
  await goals.getByText("Set a goal").click();
  await goals.getByRole("combobox", { name: "For" }).selectOption({ label: "Team: Enterprise" });
  await goals.getByRole("combobox", { name: "Counts" }).selectOption({ label: "Won deals" });
  await goals.getByLabel("Target").fill("0");
  await goals.getByRole("button", { name: "Save goal" }).click();
  await expect(goals.getByText("Set a target above zero.")).toBeVisible();
  await expect(goals.getByRole("progressbar")).toHaveCount(0);

  await goals.getByLabel("Target").fill("2");
  await goals.getByRole("button", { name: "Save goal" }).click();
  const bar = goals.getByRole("progressbar", { name: "Enterprise · won deals" });
  await expect(bar).toHaveAttribute("aria-valuenow", "0.0");
  await expect(goals).toContainText("0 deals of 2 deals");

  await page.goto("/pipeline");
  // Hydrated first: the card then opens the deal in place, with working buttons.
  await app.expectHydrated();
  await page.getByRole("link", { name: /^Umbrella expansion,/ }).click();
  await page.getByRole("button", { name: "Mark won" }).click();
  await expect(page.getByRole("button", { name: "Reopen" })).toBeVisible();

  await page.goto("/dashboard");
  await expect(bar).toHaveAttribute("aria-valuenow", "50.0");
  const open = page.getByRole("group", { name: "Open pipeline", exact: true });
  await expect(open).toContainText("$1,500");
  await expect(goals).toContainText("1 deal of 2 deals · 50.0%");

  await page.getByRole("combobox", { name: "Team", exact: true }).selectOption({ label: "Enterprise" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/team=/);
  await expect(page.getByRole("group", { name: "Won", exact: true })).toContainText("$4,000");
  await expect(open).not.toContainText("$1,500");
  await expect(bar).toBeVisible();

  await goals.getByRole("button", { name: "Remove goal Enterprise · won deals" }).click();
  await expect(goals.getByRole("progressbar")).toHaveCount(0);
});
