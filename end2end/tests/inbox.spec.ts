import { expect, test } from "@playwright/test";
import { newAccount, Pipewright } from "./fixtures/pipewright";

// The lead inbox at the phone and desktop sizes: quick add, merge of the same person,
// qualify, convert into a deal on the board, and text shown as text.

test.beforeEach(async ({ page }) => {
  await new Pipewright(page).createWorkspace(newAccount());
});

test("a lead is added, merged, qualified and converted into a deal on the board", async ({ page }) => {
  await page.goto("/inbox?view=mine");
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeAttached();
  await expect(page.getByText("No leads here.")).toBeVisible();

  await page.getByText("Add a lead", { exact: true }).click();
  const form = page.getByRole("form", { name: "Add a lead" });
  // Nobody to get back to: refused in place.
  await form.getByLabel("Name").fill("Ana <script>window.pwned = 1</script> Silva");
  await form.getByRole("button", { name: "Add lead" }).click();
  await expect(form.getByText("Give an e-mail address or a phone number")).toBeVisible();

  await form.getByLabel("E-mail").fill("ana@globex.example");
  await form.getByLabel("Company").fill("Globex");
  await form.getByRole("button", { name: "Add lead" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Lead added to your inbox." })).toBeVisible();
  const leads = page.getByRole("list", { name: "Leads" });
  await expect(leads).toContainText("Ana <script>window.pwned = 1</script> Silva");
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await expect(page.getByRole("link", { name: /^Mine 1/ })).toBeVisible();

  // The same person again (other case): merged, not duplicated.
  await form.getByLabel("E-mail").fill("ANA@globex.example");
  await form.getByLabel("Phone").fill("+1 555 010 2030");
  await form.getByRole("button", { name: "Add lead" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Added to the lead already open" })).toBeVisible();
  await expect(leads.getByRole("listitem")).toHaveCount(1);
  await expect(leads).toContainText("2 submissions");

  const who = "Ana <script>window.pwned = 1</script> Silva";
  await leads.getByRole("button", { name: `Qualify ${who}`, exact: true }).click();
  const qualify = leads.getByRole("form", { name: "Qualify" });
  await qualify.getByLabel("Need").selectOption("Yes");
  await qualify.getByLabel("Authority").selectOption("Yes");
  await qualify.getByRole("button", { name: "Save answers" }).click();
  await expect(page.getByRole("status").filter({ hasText: "qualified, score 55." })).toBeVisible();

  await leads.getByRole("button", { name: `Convert ${who}`, exact: true }).click();
  const convert = leads.getByRole("form", { name: "Convert to a deal" });
  await expect(convert.getByLabel("Deal title")).toHaveValue("Globex");
  await convert.getByLabel("Deal title").fill("Globex vans");
  await convert.getByLabel("Value").fill("48,000");
  await convert.getByRole("button", { name: "Create deal" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Globex vans is now a deal" })).toBeVisible();
  await expect(page.getByText("No leads here.")).toBeVisible();

  await page.goto("/pipeline");
  await expect(page.getByRole("link", { name: /^Globex vans,/ })).toBeVisible();
});

test("a form being filled in keeps its text when a change to the lead arrives live", async ({ page, context }) => {
  await page.goto("/inbox?view=mine");
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeAttached();
  await page.getByText("Add a lead", { exact: true }).click();
  const form = page.getByRole("form", { name: "Add a lead" });
  await form.getByLabel("Name").fill("Bob Lee");
  await form.getByLabel("E-mail").fill("bob@initech.example");
  await form.getByLabel("Company").fill("Initech");
  await form.getByRole("button", { name: "Add lead" }).click();
  const leads = page.getByRole("list", { name: "Leads" });
  await expect(leads.getByRole("listitem")).toHaveCount(1);

  await leads.getByRole("button", { name: "Convert Bob Lee", exact: true }).click();
  const convert = leads.getByRole("form", { name: "Convert to a deal" });
  await convert.getByLabel("Deal title").fill("Initech fleet");
  await convert.getByLabel("Value").fill("12,000");

  // Meanwhile the same person writes in again (here from a second tab): the row is
  // rebuilt with the new submission while the form is half filled in.
  const other = await context.newPage();
  await other.goto("/inbox?view=mine");
  await other.getByText("Add a lead", { exact: true }).click();
  const again = other.getByRole("form", { name: "Add a lead" });
  await again.getByLabel("E-mail").fill("bob@initech.example");
  await again.getByLabel("Phone").fill("+1 555 010 4040");
  await again.getByRole("button", { name: "Add lead" }).click();
  await expect(other.getByRole("status").filter({ hasText: "Added to the lead already open" })).toBeVisible();
  await other.close();

  await expect(leads).toContainText("2 submissions");
  await expect(convert.getByLabel("Deal title")).toHaveValue("Initech fleet");
  await expect(convert.getByLabel("Value")).toHaveValue("12,000");
  await convert.getByRole("button", { name: "Create deal" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Initech fleet is now a deal" })).toBeVisible();
});
