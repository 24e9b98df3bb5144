import { expect, test, type Page } from "@playwright/test";
import { joinAsTeammate, newAccount, Pipewright } from "./fixtures/pipewright";

// Notes and the timeline, the phone's quick call log, follow-up plans on a win, the
// "no next step" list and reminders, at the phone and desktop sizes.

async function addDeal(page: Page, title: string) {
  // "New deal" opens its dialog only once the board has hydrated.
  await new Pipewright(page).expectHydrated();
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill(title);
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog).toBeHidden();
}

async function openNewDeal(page: Page, title: string) {
  await addDeal(page, title);
  await page.getByRole("link", { name: new RegExp(`^${title},`) }).click();
  await expect(page.getByLabel("Title", { exact: true })).toHaveValue(title);
  await page.waitForLoadState("networkidle");
}

/** A `datetime-local` value `minutes` from now in the browser's own time. */
async function localInMinutes(page: Page, minutes: number) {
  return page.evaluate((ahead) => {
    const d = new Date(Date.now() + ahead * 60_000);
    const two = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
  }, minutes);
}

test.beforeEach(async ({ page }) => {
  await new Pipewright(page).createWorkspace(newAccount());
});

test("a note renders Markdown, shows a script tag as text, and defuses javascript: links", async ({ page }) => {
  await openNewDeal(page, "Acme renewal");
  const timeline = page.getByRole("region", { name: "Timeline" });
  const entries = timeline.getByRole("list", { name: "Timeline entries" });
  await expect(entries).toContainText("created Acme renewal");

  // An empty note is refused in place.
  await timeline.getByRole("button", { name: "Add note" }).click();
  await expect(timeline.getByText("Write something first.")).toBeVisible();

  await timeline.getByLabel("Note", { exact: true }).fill(
    "**Budget** approved <script>window.pwned = 1</script> [details](javascript:window.pwned=2)",
  );
  await timeline.getByRole("button", { name: "Add note" }).click();
  await expect(entries).toContainText("added a note");
  await expect(entries.locator("strong", { hasText: "Budget" })).toBeVisible();
  await expect(entries).toContainText("<script>window.pwned = 1</script>");
  await expect(entries.getByRole("link", { name: "details" })).toHaveAttribute("href", "#");
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await expect(timeline.getByLabel("Note", { exact: true })).toHaveValue("");
});

test("a call is logged from the deal page in three taps, with its next step", async ({ page }) => {
  await openNewDeal(page, "Globex pilot");
  const steps = page.getByRole("region", { name: "Activities" });
  await expect(steps.getByText("No next step planned.")).toBeVisible();

  await steps.getByRole("button", { name: "Log a call" }).click(); // 1
  await steps.getByRole("button", { name: "Connected" }).click(); // 2
  await steps.getByRole("button", { name: "Save call" }).click(); // 3

  await expect(page.getByRole("status").filter({ hasText: "Call logged. Next: Follow-up call." })).toBeAttached();
  await expect(steps.getByRole("list", { name: "Planned" })).toContainText("Follow-up call");
  await expect(steps.getByText("No next step planned.")).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Timeline entries" })).toContainText("Call: connected");
});

test("winning a deal creates the pipeline's follow-up activities", async ({ page }) => {
  await page.goto("/settings/pipeline");
  // Hydrated (the live badge is drawn by the WASM) before the first click.
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeAttached();
  const plan = page.getByRole("region", { name: "Follow-up after a win" });
  await plan.getByRole("button", { name: "Add a step" }).click();
  await plan.getByLabel("Day of step 1").fill("-5");
  await plan.getByLabel("Activity of step 1").fill("Kickoff call");
  await plan.getByRole("button", { name: "Save follow-up plan" }).click();
  await expect(plan.getByText("Pick a day from 0")).toBeVisible();

  await plan.getByLabel("Day of step 1").fill("1");
  await plan.getByRole("button", { name: "Add a step" }).click();
  await plan.getByLabel("Day of step 2").fill("30");
  await plan.getByLabel("Kind of step 2").selectOption({ label: "Meeting" });
  await plan.getByLabel("Activity of step 2").fill("Thirty-day check-in");
  await plan.getByRole("button", { name: "Save follow-up plan" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Follow-up plan saved." })).toBeVisible();

  await page.goto("/pipeline");
  await openNewDeal(page, "Initech fleet");
  await page.getByRole("button", { name: "Mark won" }).click();
  const planned = page.getByRole("region", { name: "Activities" }).getByRole("list", { name: "Planned" });
  await expect(planned).toContainText("Kickoff call");
  await expect(planned).toContainText("Thirty-day check-in");
  await expect(page.getByRole("list", { name: "Timeline entries" })).toContainText("marked it won");
});

test("deals without a next step are listed, and a reminder pops up when one comes due", async ({ page }) => {
  await addDeal(page, "Idle deal");
  await openNewDeal(page, "Busy deal");
  const form = page.getByRole("form", { name: "Schedule an activity" });
  await form.getByLabel("What's next").fill("Call the CFO");
  await form.getByLabel("Due").fill(await localInMinutes(page, 5));
  await form.getByRole("button", { name: "Schedule" }).click();
  await expect(page.getByRole("list", { name: "Planned" })).toContainText("Call the CFO");

  // The reminder sweep (every 2 s in tests) announces it to its assignee, live.
  const reminders = page.getByRole("region", { name: "Reminders" });
  await expect(reminders).toContainText("Due soon: Call the CFO (Busy deal)", { timeout: 20_000 });
  await reminders.getByRole("button", { name: "Dismiss: Due soon: Call the CFO (Busy deal)" }).click();
  await expect(reminders).not.toContainText("Call the CFO");

  await page.goto("/deals?idle=1");
  const results = page.getByRole("table", { name: "Deals" });
  await expect(results.getByRole("link", { name: "Idle deal" })).toBeVisible();
  await expect(results.getByRole("link", { name: "Busy deal" })).toHaveCount(0);
  await expect(page.getByLabel("No next step")).toBeChecked();
});

test("work handed to a teammate from My day reaches them live", async ({ page, browser }) => {
  const sam = await joinAsTeammate(page, browser, "Sam Okafor");
  await page.goto("/pipeline");
  await openNewDeal(page, "Umbrella renewal");
  const form = page.getByRole("form", { name: "Schedule an activity" });
  await form.getByLabel("What's next").fill("Send the contract");
  await form.getByRole("button", { name: "Schedule" }).click();
  await expect(page.getByRole("list", { name: "Planned" })).toContainText("Send the contract");

  await sam.page.goto("/activities");
  await expect(sam.page.getByText("Nothing due this week.")).toBeVisible();
  await expect(sam.page.getByRole("status").filter({ hasText: "Live" })).toBeAttached();

  await page.goto("/activities");
  // The hand-over select acts once the page is hydrated: "Live" shows it is.
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeAttached();
  await page.getByLabel("Give Send the contract to").selectOption({ label: "Sam Okafor" });
  await expect(page.getByText("Nothing due this week.")).toBeVisible();

  const reminders = sam.page.getByRole("region", { name: "Reminders" });
  await expect(reminders).toContainText("gave you “Send the contract”");
  await expect(sam.page.getByRole("region", { name: "This week" })).toContainText("Send the contract");
  await sam.context.close();
});
