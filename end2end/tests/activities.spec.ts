import { expect, test, type Page } from "@playwright/test";
import { newAccount, Pipewright } from "./fixtures/pipewright";

// Next steps on a deal and My day, at the phone and desktop sizes.

async function openNewDeal(page: Page, title: string) {
  // "New deal" opens its dialog only once the board has hydrated.
  await new Pipewright(page).expectHydrated();
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill(title);
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole("link", { name: new RegExp(`^${title},`) }).click();
  await expect(page.getByLabel("Title", { exact: true })).toHaveValue(title);
  await page.waitForLoadState("networkidle");
}

async function schedule(page: Page, subject: string, minutes = "") {
  const form = page.getByRole("form", { name: "Schedule an activity" });
  await form.getByLabel("What's next").fill(subject);
  await form.getByLabel("Minutes").fill(minutes);
  await form.getByRole("button", { name: "Schedule" }).click();
}

test.beforeEach(async ({ page }) => {
  await new Pipewright(page).createWorkspace(newAccount());
});

test("a deal's next step is scheduled, completed with its outcome, and the next one is asked for", async ({ page }) => {
  await openNewDeal(page, "Acme renewal");
  const steps = page.getByRole("region", { name: "Activities" });
  await expect(steps.getByText("No next step planned.")).toBeVisible();

  // Bad input is refused in place and nothing is scheduled.
  await schedule(page, " ", "-5");
  await expect(steps.getByText("Say what the activity is")).toBeVisible();
  await expect(steps.getByText("The duration cannot be negative.")).toBeVisible();

  await schedule(page, "Call Bill about pricing", "30");
  const planned = steps.getByRole("list", { name: "Planned" });
  await expect(planned).toContainText("Call Bill about pricing");
  await expect(steps.getByText("No next step planned.")).toHaveCount(0);

  await steps.getByRole("button", { name: "Done: Call Bill about pricing" }).click();
  await steps.getByLabel("Outcome of Call Bill about pricing").fill("Wants a demo next week");
  await steps.getByRole("button", { name: "Mark done" }).click();
  await expect(steps.getByText("That was the last planned step.")).toBeVisible();
  await expect(steps.getByText("No next step planned.")).toBeVisible();
  await expect(steps.getByText("Done (1)")).toBeVisible();

  await schedule(page, "Demo for the buying team");
  await expect(planned).toContainText("Demo for the buying team");
  await expect(steps.getByText("That was the last planned step.")).toHaveCount(0);

  // The board card shows the next step; a deal without one is marked.
  await page.goto("/pipeline");
  await expect(page.getByRole("link", { name: /^Acme renewal,.*next: Demo for the buying team/ })).toBeVisible();
  await new Pipewright(page).expectHydrated();
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill("Bare deal");
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(page.getByRole("link", { name: /^Bare deal,.*no activity planned/ })).toBeVisible();
});

test("an outcome being typed survives a change to the deal's activities made elsewhere", async ({ page, context }) => {
  await openNewDeal(page, "Globex pilot");
  await schedule(page, "Call Ann about the pilot", "15");
  const steps = page.getByRole("region", { name: "Activities" });
  const planned = steps.getByRole("list", { name: "Planned" });
  await expect(planned).toContainText("Call Ann about the pilot");
  await steps.getByRole("button", { name: "Done: Call Ann about the pilot" }).click();
  const outcome = steps.getByLabel("Outcome of Call Ann about the pilot");
  await outcome.fill("Pilot agreed for March");

  // The same rep plans the step after it from another tab; the live feed brings it here.
  const other = await context.newPage();
  await other.goto(page.url());
  await new Pipewright(other).expectHydrated();
  await schedule(other, "Send the pilot contract");
  await expect(planned).toContainText("Send the pilot contract");
  await other.close();

  // The list was read again, and the half-done completion is still as it was left.
  await expect(outcome).toHaveValue("Pilot agreed for March");
  await steps.getByRole("button", { name: "Mark done" }).click();
  await expect(steps.getByText("Done (1)")).toBeVisible();
  await steps.getByText("Done (1)").click();
  await expect(steps.getByText("Pilot agreed for March")).toBeVisible();
  await expect(planned).toContainText("Send the pilot contract");
});

test("My day lists what is due and moves it on in one tap", async ({ page }) => {
  const app = new Pipewright(page);
  await openNewDeal(page, "Initech seats");
  await schedule(page, "Send the proposal");
  await expect(page.getByRole("list", { name: "Planned" })).toContainText("Send the proposal");

  await app.openSection("Activities");
  const week = page.getByRole("region", { name: "This week" });
  await expect(week).toContainText("Send the proposal");
  await expect(week.getByRole("link", { name: "Initech seats" })).toBeVisible();
  await week.getByRole("button", { name: "Done: Send the proposal" }).click();
  await expect(page.getByText("Nothing due this week.")).toBeVisible();
});

test("My day moves an activity to tomorrow in one tap", async ({ page }) => {
  const app = new Pipewright(page);
  await openNewDeal(page, "Hooli trial");
  await schedule(page, "Book the demo");
  await expect(page.getByRole("list", { name: "Planned" })).toContainText("Book the demo");
  await app.openSection("Activities");
  const row = page.getByRole("region", { name: "This week" }).getByRole("listitem").filter({ hasText: "Book the demo" });
  const before = await row.innerText();
  await row.getByRole("button", { name: "Move Book the demo to tomorrow" }).click();
  await expect(row).not.toHaveText(before);
});
