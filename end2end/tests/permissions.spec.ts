import { expect, test, type Page } from "@playwright/test";
import { joinAsTeammate, newAccount, Pipewright } from "./fixtures/pipewright";

// What the one permission table in `domain` lets each role do, as the browser shows it:
// the server refuses the same things with a 403 that says why.

const column = (page: Page, stage: string) => page.getByRole("region", { name: stage, exact: true });
const card = (page: Page, title: string) => page.getByRole("link", { name: new RegExp(`^${title},`) });

async function addDeal(page: Page, title: string) {
  await new Pipewright(page).expectHydrated();
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title", { exact: true }).fill(title);
  await dialog.getByLabel("Value").fill("12000");
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog).toBeHidden();
  await expect(card(page, title)).toBeVisible();
}

test("a marketer sees deals read-only: no new deal, no drag, no won or lost", async ({ page, browser }) => {
  await new Pipewright(page).createWorkspace(newAccount());
  await addDeal(page, "Acme renewal");
  const marketer = await joinAsTeammate(page, browser, "Mo Marketing", "Marketer");
  const mo = marketer.page;

  await mo.goto("/pipeline");
  await new Pipewright(mo).expectHydrated();
  const acme = card(mo, "Acme renewal");
  await expect(acme).toBeVisible();
  await expect(mo.getByRole("button", { name: "New deal" })).toHaveCount(0);
  // Not announced as draggable, and the keyboard lift does nothing.
  await expect(acme).not.toHaveAttribute("aria-roledescription", /draggable/);
  await acme.focus();
  await mo.keyboard.press("Space");
  await mo.keyboard.press("ArrowRight");
  await mo.keyboard.press("Space");
  await expect(column(mo, "Qualified").getByRole("link", { name: /^Acme renewal,/ })).toBeVisible();
  await expect(column(mo, "Initial contact").getByRole("link", { name: /^Acme renewal,/ })).toHaveCount(0);

  // The deal page: readable, nothing to change.
  await acme.click();
  await expect(mo.getByLabel("Title", { exact: true })).toHaveValue("Acme renewal");
  await expect(mo.getByRole("button", { name: "Mark won" })).toHaveCount(0);
  await expect(mo.getByRole("button", { name: "Mark lost" })).toHaveCount(0);
  await expect(mo.getByText("Marketers can't close deals.")).toBeVisible();
  await expect(mo.getByLabel("Value")).toBeDisabled();
  await expect(mo.getByRole("button", { name: "Initial contact" })).toBeDisabled();
  await marketer.context.close();
});

test("a rep works their own deal and reads a colleague's", async ({ page, browser }) => {
  await new Pipewright(page).createWorkspace(newAccount());
  await addDeal(page, "Dana's deal");
  const rep = await joinAsTeammate(page, browser, "Rita Rep", "Sales rep");
  const rita = rep.page;

  await rita.goto("/pipeline");
  await addDeal(rita, "Rita's deal");
  await expect(card(rita, "Rita's deal")).toHaveAttribute("aria-roledescription", "draggable deal");
  await expect(card(rita, "Dana's deal")).not.toHaveAttribute("aria-roledescription", /draggable/);

  await card(rita, "Dana's deal").click();
  await expect(rita.getByLabel("Title", { exact: true })).toHaveValue("Dana's deal");
  await expect(rita.getByText("Sales reps can close only their own deals; ask the owner or a manager.")).toBeVisible();
  await expect(rita.getByLabel("Value")).toBeDisabled();

  await rita.goto("/pipeline");
  await card(rita, "Rita's deal").click();
  await new Pipewright(rita).expectHydrated();
  await rita.getByRole("button", { name: "Mark won" }).click();
  await expect(rita.getByRole("button", { name: "Reopen" })).toBeVisible();
  await rep.context.close();
});

test("with visibility narrowed, a rep's board, list, search, dashboard and live feed carry only their own deals", async ({ page, browser }) => {
  test.slow(); // two teammates join
  await new Pipewright(page).createWorkspace(newAccount());
  await addDeal(page, "Dana's deal");
  const danasDeal = await card(page, "Dana's deal").getAttribute("href");
  const rep = await joinAsTeammate(page, browser, "Rita Rep", "Sales rep");
  const manager = await joinAsTeammate(page, browser, "Mia Manager", "Manager");
  const rita = rep.page;

  // The admin narrows what reps see, in Settings → Users (works before hydration too).
  await page.goto("/settings/users");
  const narrowed = page.getByRole("radio", { name: "Sales reps see their own and their sales team's" });
  await expect(page.getByRole("radio", { name: "Everyone sees every deal and lead" })).toBeChecked();
  await narrowed.check();
  // The save has been answered (a fetch once hydrated, a form post before) before the
  // reload, which would otherwise cancel it.
  await Promise.all([
    page.waitForResponse((response) => response.url().includes("/api/set_visibility")),
    page.getByRole("button", { name: "Save visibility" }).click(),
  ]);
  await page.reload();
  await expect(narrowed).toBeChecked();

  // The board.
  await rita.goto("/pipeline");
  await addDeal(rita, "Rita's deal");
  await expect(card(rita, "Dana's deal")).toHaveCount(0);
  // The live feed: a deal the admin adds now does not reach Rita's open board, while
  // the admin's move of Rita's own deal does (so the feed is live, and filtered).
  await page.goto("/pipeline");
  await addDeal(page, "Dana's second");
  const ritas = card(page, "Rita's deal");
  await ritas.focus();
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Space");
  await expect(column(page, "Initial contact").getByRole("link", { name: /^Rita's deal,/ })).toBeVisible();
  await expect(column(rita, "Initial contact").getByRole("link", { name: /^Rita's deal,/ })).toBeVisible();
  await expect(card(rita, "Dana's second")).toHaveCount(0);

  // The list and its search.
  await rita.goto("/deals");
  await expect(rita.getByRole("link", { name: "Rita's deal" })).toBeVisible();
  await expect(rita.getByRole("link", { name: "Dana's deal" })).toHaveCount(0);
  await rita.goto("/deals?q=Dana");
  await expect(rita.getByRole("link", { name: "Dana's deal" })).toHaveCount(0);
  await expect(rita.getByText("Rita's deal")).toHaveCount(0);

  // The dashboard counts only what she sees: her $12,000, not the admin's $24,000.
  await rita.goto("/dashboard");
  await expect(rita.getByRole("group", { name: "Open pipeline", exact: true })).toContainText("$12,000");

  // Asked for by its address, the colleague's deal is not found.
  const response = await rita.goto(danasDeal ?? "/");
  expect(response?.status()).toBe(404);
  await expect(rita.getByText("That record does not exist or is not yours to see.")).toBeVisible();

  // The manager still sees everything.
  const mia = manager.page;
  await mia.goto("/pipeline");
  for (const title of ["Dana's deal", "Dana's second", "Rita's deal"]) {
    await expect(card(mia, title)).toBeVisible();
  }
  await mia.goto("/dashboard");
  await expect(mia.getByRole("group", { name: "Open pipeline", exact: true })).toContainText("$36,000");
  await rep.context.close();
  await manager.context.close();
});
