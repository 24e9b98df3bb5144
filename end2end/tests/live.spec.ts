import { expect, test, type BrowserContext, type Page, type WebSocketRoute } from "@playwright/test";
import { joinAsTeammate, newAccount, Pipewright } from "./fixtures/pipewright";

// Two people in one workspace, each in their own browser context: what one does, the
// other sees without reloading. Runs at the phone and desktop sizes.

const column = (page: Page, stage: string) => page.getByRole("region", { name: stage, exact: true });
const card = (page: Page, title: string) => page.getByRole("link", { name: new RegExp(`^${title},`) });
const liveBadge = (page: Page, text: string) => page.getByRole("status").filter({ hasText: text });
/** The deal page's own confirmation (the undo toast repeats it). */
const saved = (page: Page, text: string) => page.getByRole("status").filter({ hasText: text }).first();

/**
 * Controls one context's live socket: `drop` is a network drop (socket closed, the
 * browser offline), `pause` a slow network that holds the server's messages back while
 * ordinary requests still go through.
 */
async function controllableNetwork(context: BrowserContext) {
  let online = true;
  let paused = false;
  const held: (() => void)[] = [];
  const open: WebSocketRoute[] = [];
  await context.routeWebSocket(/\/live/, (socket) => {
    if (!online) {
      socket.close({ code: 4000, reason: "offline" });
      return;
    }
    const server = socket.connectToServer();
    server.onMessage((message) => {
      if (paused) held.push(() => socket.send(message));
      else socket.send(message);
    });
    open.push(socket);
  });
  return {
    async drop() {
      online = false;
      await context.setOffline(true);
      for (const socket of open.splice(0)) await socket.close({ code: 4000, reason: "offline" });
    },
    async restore() {
      online = true;
      // The page hears "online" and reconnects at once, resuming after its last event.
      await context.setOffline(false);
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const deliver of held.splice(0)) deliver();
    },
  };
}

async function newDeal(page: Page, title: string, value: string) {
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title", { exact: true }).fill(title);
  await dialog.getByLabel("Value").fill(value);
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog).toBeHidden();
}

async function moveRightByKeyboard(page: Page, title: string) {
  await card(page, title).focus();
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Space");
}

let dana: Page;
let sam: Page;
let samContext: BrowserContext;
let samNetwork: Awaited<ReturnType<typeof controllableNetwork>>;

test.beforeEach(async ({ page, browser }) => {
  dana = page;
  await new Pipewright(dana).createWorkspace(newAccount());
  // A manager: Sam edits Dana's deals here, which a rep may do only to their own.
  const teammate = await joinAsTeammate(dana, browser, "Sam Okafor", "Manager");
  sam = teammate.page;
  samContext = teammate.context;
  samNetwork = await controllableNetwork(samContext);
  await dana.goto("/pipeline");
  await sam.goto("/pipeline");
  await expect(liveBadge(dana, "Live")).toBeAttached();
  await expect(liveBadge(sam, "Live")).toBeAttached();
});

test.afterEach(async () => {
  await samContext.close();
});

test("a move on one board appears on the other's, with who did it, and undo reverts it", async () => {
  await newDeal(dana, "Acme renewal", "12000");
  await expect(column(sam, "Qualified").getByRole("link", { name: /^Acme renewal,/ })).toBeVisible();
  await expect(sam.getByText("Dana Whitfield added Acme renewal")).toBeVisible();
  await expect(dana.getByLabel("Also here: Sam Okafor")).toBeAttached();

  await moveRightByKeyboard(dana, "Acme renewal");
  await expect(column(sam, "Initial contact").getByRole("link", { name: /^Acme renewal,/ })).toBeVisible();
  await expect(sam.getByText("Dana Whitfield moved Acme renewal to Initial contact")).toBeVisible();
  await expect(column(sam, "Initial contact")).toContainText("$12,000");

  await dana.getByRole("button", { name: "Undo" }).click();
  await expect(column(dana, "Qualified").getByRole("link", { name: /^Acme renewal,/ })).toBeVisible();
  await expect(column(sam, "Qualified").getByRole("link", { name: /^Acme renewal,/ })).toBeVisible();
  await expect(column(sam, "Initial contact").getByRole("link", { name: /^Acme renewal,/ })).toHaveCount(0);
});

test("a client that was offline catches up on everything it missed", async () => {
  await newDeal(dana, "Globex pilot", "5000");
  await expect(card(sam, "Globex pilot")).toBeVisible();

  await samNetwork.drop();
  await expect(liveBadge(sam, "Reconnecting…")).toBeAttached();
  await moveRightByKeyboard(dana, "Globex pilot");
  await expect(column(dana, "Initial contact").getByRole("link", { name: /^Globex pilot,/ })).toBeVisible();
  await newDeal(dana, "Initech seats", "800");
  await expect(card(sam, "Initech seats")).toHaveCount(0);

  await samNetwork.restore();
  await expect(liveBadge(sam, "Live")).toBeAttached();
  await expect(column(sam, "Initial contact").getByRole("link", { name: /^Globex pilot,/ })).toBeVisible();
  await expect(column(sam, "Qualified").getByRole("link", { name: /^Initech seats,/ })).toBeVisible();
});

test("deal page: edits appear live, different fields merge, the same field asks", async () => {
  await newDeal(dana, "Umbrella", "1000");
  await card(dana, "Umbrella").click();
  await expect(dana.getByLabel("Title", { exact: true })).toHaveValue("Umbrella");
  const url = dana.url();
  await sam.goto(url);
  await expect(sam.getByLabel("Title", { exact: true })).toHaveValue("Umbrella");
  await expect(liveBadge(sam, "Live")).toBeAttached();
  await expect(sam.getByLabel("Also here: Dana Whitfield")).toBeAttached();

  // Dana's edit shows on Sam's open page.
  await dana.getByLabel("Next step").fill("Send the proposal");
  await dana.getByLabel("Next step").press("Tab");
  await expect(sam.getByLabel("Next step")).toHaveValue("Send the proposal");

  // Sam's page misses Dana's next save (a slow network), so Sam edits an old version.
  samNetwork.pause();
  await dana.getByLabel("Value").fill("2500");
  await dana.getByLabel("Value").press("Tab");
  await expect(saved(dana, "Saved Value.")).toBeAttached();
  // A different field: both edits survive.
  await sam.getByLabel("Source").fill("Referral");
  await sam.getByLabel("Source").press("Tab");
  await expect(sam.getByLabel("Value")).toHaveValue("2500");
  await expect(sam.getByRole("alertdialog")).toHaveCount(0);
  samNetwork.resume();
  await expect(dana.getByLabel("Source")).toHaveValue("Referral");
  await expect(dana.getByLabel("Value")).toHaveValue("2500");

  // The same field, edited from an old version: Sam chooses.
  samNetwork.pause();
  await dana.getByLabel("Title", { exact: true }).fill("Umbrella Corp");
  await dana.getByLabel("Title", { exact: true }).press("Tab");
  await expect(saved(dana, "Saved the title.")).toBeAttached();
  await sam.getByLabel("Title", { exact: true }).fill("Umbrella Inc");
  await sam.getByLabel("Title", { exact: true }).press("Tab");
  const prompt = sam.getByRole("alertdialog", { name: /Dana Whitfield changed title/ });
  await expect(prompt).toBeVisible();
  await expect(sam.getByLabel("Title", { exact: true })).toHaveValue("Umbrella Corp");
  await prompt.getByRole("button", { name: "Use mine" }).click();
  await expect(sam.getByLabel("Title", { exact: true })).toHaveValue("Umbrella Inc");
  samNetwork.resume();
  await expect(dana.getByLabel("Title", { exact: true })).toHaveValue("Umbrella Inc");
});

test("Ctrl+Z undoes one's own last edit on the deal page", async ({ isMobile }) => {
  test.skip(isMobile, "phones have no keyboard shortcut; the Undo button is tested above");
  await newDeal(dana, "Hooli", "300");
  await card(dana, "Hooli").click();
  await dana.getByLabel("Next step").fill("Call Gavin");
  await dana.getByLabel("Next step").press("Tab");
  await expect(dana.getByRole("button", { name: "Undo" })).toBeVisible();
  // Outside a text field, where the field's own undo does not apply.
  await dana.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await dana.keyboard.press("Control+z");
  await expect(dana.getByLabel("Next step")).toHaveValue("");
  await expect(dana.getByText("Undid “Saved Next step”")).toBeVisible();
});
