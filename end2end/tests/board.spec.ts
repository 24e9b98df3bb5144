import { expect, test, type Locator, type Page } from "@playwright/test";
import { newAccount, Pipewright } from "./fixtures/pipewright";

const column = (page: Page, stage: string) => page.getByRole("region", { name: stage, exact: true });
/** A card's accessible name starts with its title, then its value. */
const card = (page: Page, title: string) => page.getByRole("link", { name: new RegExp(`^${title},`) });

async function newDeal(page: Page, title: string, value: string) {
  // "New deal" opens its dialog only once the board has hydrated.
  await new Pipewright(page).expectHydrated();
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill(title);
  await dialog.getByLabel("Value").fill(value);
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog).toBeHidden();
  await expect(column(page, "Qualified").getByRole("link", { name: new RegExp(`^${title},`) })).toBeVisible();
}

/** A point well inside the element's top-left part: wide columns may be cut off at the right. */
async function centre(locator: Locator) {
  const box = await locator.boundingBox();
  if (!box) throw new Error("not on screen");
  return { x: box.x + Math.min(box.width / 2, 60), y: box.y + Math.min(box.height / 2, 60) };
}

/**
 * Where a lifted card is dropped: the column on a desktop; on a phone, where columns
 * are a screen wide, the stage chips and outcome zones the drop bar shows while lifted.
 * The drop bar is a pointer-only affordance (keyboard users move by arrow keys).
 */
function dropZone(page: Page, target: string, isMobile: boolean) {
  if (target === "Won" || target === "Lost") return page.locator(".drop-zone", { hasText: target });
  return isMobile ? page.locator(".drop-chip", { hasText: target }) : column(page, target);
}

async function mouseDrag(page: Page, title: string, target: string, isMobile: boolean) {
  const from = await centre(card(page, title));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 12, from.y + 12, { steps: 4 });
  const to = await centre(dropZone(page, target, isMobile));
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

async function touchDrag(page: Page, title: string, target: string) {
  const cdp = await page.context().newCDPSession(page);
  const from = await centre(card(page, title));
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [from] });
  await page.waitForTimeout(600); // long-press lifts the card
  const to = await centre(dropZone(page, target, true));
  for (let step = 1; step <= 8; step++) {
    const point = { x: from.x + ((to.x - from.x) * step) / 8, y: from.y + ((to.y - from.y) * step) / 8 };
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [point] });
  }
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
}

test.beforeEach(async ({ page }) => {
  await new Pipewright(page).createWorkspace(newAccount());
});

test("deals are created and dragged through stages with the mouse, totals follow", async ({ page, isMobile }) => {
  await newDeal(page, "Acme rollout", "5,000");
  await expect(column(page, "Qualified")).toContainText("1 deal");
  await expect(column(page, "Qualified")).toContainText("$5,000");
  await mouseDrag(page, "Acme rollout", "Initial contact", isMobile);
  await expect(column(page, "Initial contact").getByRole("link", { name: /^Acme rollout,/ })).toBeVisible();
  await expect(column(page, "Initial contact")).toContainText("1 deal");
  await expect(column(page, "Initial contact")).toContainText("Weighted $1,000");
  await expect(column(page, "Qualified")).toContainText("0 deals");
});

test("a move into a stage with unmet entry criteria asks only for what is missing", async ({ page, isMobile }) => {
  await newDeal(page, "Globex renewal", "12,000");
  await mouseDrag(page, "Globex renewal", "Proposal", isMobile);
  const dialog = page.getByRole("dialog", { name: "Move “Globex renewal” to Proposal" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Value")).toHaveCount(0); // already filled
  await dialog.getByRole("button", { name: "Move deal" }).click();
  await expect(dialog.getByText("Proposal needs this.")).toBeVisible();
  await dialog.getByLabel("Expected close date").fill("2027-03-31");
  await dialog.getByRole("button", { name: "Move deal" }).click();
  await expect(dialog).toBeHidden();
  await expect(column(page, "Proposal").getByRole("link", { name: /^Globex renewal,/ })).toBeVisible();
  await expect(column(page, "Proposal")).toContainText("$12,000");
});

test("a deal moves by keyboard and the move is announced", async ({ page }) => {
  await newDeal(page, "Initech seats", "800");
  await card(page, "Initech seats").focus();
  await page.keyboard.press("Space");
  await expect(page.getByRole("status").filter({ hasText: "Picked up Initech seats" })).toBeAttached();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Space");
  await expect(column(page, "Initial contact").getByRole("link", { name: /^Initech seats,/ })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Moved Initech seats to Initial contact." })).toBeAttached();
  await expect(card(page, "Initech seats")).toBeFocused();
});

test("deals are marked won, and lost with a reason", async ({ page, isMobile }) => {
  await newDeal(page, "Soylent pilot", "3,000");
  await newDeal(page, "Hooli trial", "900");
  await mouseDrag(page, "Soylent pilot", "Won", isMobile);
  await expect(page.getByRole("group", { name: "Last change" })).toContainText("Marked Soylent pilot as won.");
  await expect(card(page, "Soylent pilot")).toHaveCount(0);
  await mouseDrag(page, "Hooli trial", "Lost", isMobile);
  const dialog = page.getByRole("dialog", { name: "Mark “Hooli trial” as lost" });
  await dialog.getByRole("button", { name: "Mark lost" }).click();
  await expect(dialog.getByText("Pick why the deal was lost.")).toBeVisible();
  await dialog.getByLabel("Why was it lost?").selectOption("Chose a competitor");
  await dialog.getByRole("button", { name: "Mark lost" }).click();
  await expect(page.getByRole("group", { name: "Last change" })).toContainText("Marked Hooli trial as lost.");
  await expect(column(page, "Qualified")).toContainText("0 deals");
});

test("a move that collides with someone's newer move is rolled back with the reason", async ({ page, isMobile }) => {
  await newDeal(page, "Umbrella deal", "700");
  // This board stops hearing live updates, so its copy of the deal goes stale.
  await page.routeWebSocket(/\/live/, () => {});
  await page.reload();
  await page.waitForLoadState("networkidle");
  const id = (await card(page, "Umbrella deal").getAttribute("href"))?.split("/").pop();
  const stage = await column(page, "Initial contact").getAttribute("data-drop");
  // Someone else (here: the same person in another window) moves it first.
  const response = await page.request.post("/api/move_deal", {
    data: { command: { deal: id, version: 1, stage, changes: [] } },
  });
  expect(response.ok()).toBeTruthy();
  await mouseDrag(page, "Umbrella deal", "Initial contact", isMobile);
  await expect(page.getByRole("alert").filter({ hasText: "changed stage since you opened this deal" })).toBeVisible();
  // Rolled back to where this (stale) board had it; nothing was overwritten.
  await expect(column(page, "Qualified").getByRole("link", { name: /^Umbrella deal,/ })).toBeVisible();
});

test("on a phone a long-press lifts a card and a swipe still scrolls", async ({ page, isMobile }) => {
  test.skip(!isMobile, "touch is the phone's input");
  await newDeal(page, "Wayne pilot", "2,000");
  // A quick swipe is a scroll: nothing lifts.
  const cdp = await page.context().newCDPSession(page);
  const at = await centre(card(page, "Wayne pilot"));
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [at] });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: at.x, y: at.y + 80 }] });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await page.waitForTimeout(600);
  await expect(page.locator(".drop-bar")).toHaveCount(0);
  await touchDrag(page, "Wayne pilot", "Initial contact");
  await expect(column(page, "Initial contact").getByRole("link", { name: /^Wayne pilot,/ })).toBeAttached();
  await expect(column(page, "Initial contact")).toContainText("1 deal");
});

test("the deal page edits in place and shows the stage path and history", async ({ page }) => {
  await newDeal(page, "Stark upgrade", "4,000");
  await card(page, "Stark upgrade").click();
  await expect(page.getByLabel("Title")).toHaveValue("Stark upgrade");
  await expect(page.getByRole("button", { name: "Qualified" })).toHaveAttribute("aria-current", "step");
  await page.getByLabel("Next step").fill("Send the security questionnaire");
  await page.getByLabel("Next step").press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Saved Next step." })).toBeAttached();
  await page.getByLabel("Value").fill("-5");
  await page.getByLabel("Value").press("Enter");
  await expect(page.getByText("The value cannot be negative.")).toBeVisible();
  await page.getByRole("button", { name: "Initial contact" }).click();
  await expect(page.getByRole("button", { name: "Initial contact" })).toHaveAttribute("aria-current", "step");
  await expect(page.getByRole("list", { name: "Timeline entries" })).toContainText("moved it from Qualified to Initial contact");
  await page.getByRole("button", { name: "Mark won" }).click();
  await expect(page.getByText("Won", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Reopen" }).click();
  await expect(page.getByRole("button", { name: "Mark won" })).toBeVisible();
});

test("every control of the board's toolbar is on screen, on a phone too", async ({ page, isMobile }) => {
  await page.goto("/pipeline");
  const controls = [
    page.getByRole("searchbox", { name: "Search deals" }),
    page.getByRole("button", { name: "New deal" }),
    page.getByRole("link", { name: "List", exact: true }),
    page.getByRole("combobox", { name: "Owner" }),
    page.getByRole("textbox", { name: "Tag" }),
    // "My deals" is a label beside its box: the words must fit too.
    page.locator(".board-toolbar .switch"),
  ];
  // The project's width, and on a desktop also a narrow one, where the row is tight.
  for (const width of isMobile ? [page.viewportSize()!.width] : [page.viewportSize()!.width, 1024]) {
    await page.setViewportSize({ width, height: page.viewportSize()!.height });
    const boxes = [];
    for (const control of controls) {
      await expect(control).toBeVisible();
      const box = (await control.boundingBox())!;
      // Whole, not cut at the screen's edge or scrolled out of a row.
      expect(box.x, `${control} at ${width} px`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${control} at ${width} px`).toBeLessThanOrEqual(width);
      boxes.push({ control, ...box });
    }
    // Nor drawn over one another.
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.control} and ${b.control} overlap at ${width} px`).toBe(true);
      }
    }
  }
});
