import { expect, test, type Page } from "@playwright/test";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { joinAsTeammate, newAccount, Pipewright } from "./fixtures/pipewright";

// Lead capture end to end, at the phone and desktop sizes: a web form made in Settings
// is pasted into a page on another site (another localhost port); a visitor posts it;
// the lead reaches the rep whose turn it is, live; the same person posting again is
// merged; a marketer qualifies it; the rep converts it into a deal on the board; the
// sources report counts it.

/** Serves `html` on a free localhost port: "another site" for the embedded form. */
async function serveSite(html: string) {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/**
 * Offers a body of `size` bytes with `Expect: 100-continue`, as careful clients do: the
 * server refuses it on its declared length, before a byte of it is sent.
 */
function postHuge(path: string, size: number): Promise<number> {
  const url = new URL(path, process.env.PIPEWRIGHT_URL ?? "http://127.0.0.1:3100");
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "content-length": size,
        expect: "100-continue",
      },
    });
    request.on("continue", () => request.end("x".repeat(size)));
    request.on("response", (response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
      request.destroy();
    });
    request.on("error", reject);
  });
}

async function postForm(page: Page, site: string, name: string, email: string) {
  await page.goto(`${site}/?utm_source=linkedin&utm_campaign=spring`);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Work e-mail").fill(email);
  await page.getByLabel("Company").fill("Globex");
  await page.getByLabel("How can we help?").fill("We need 40 vans by spring.");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("heading", { name: "Thank you" })).toBeVisible();
}

test("a lead posted on another site reaches the rep live, is merged, qualified and converted", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await new Pipewright(page).createWorkspace(newAccount());
  const marketer = await joinAsTeammate(page, browser, "Mo Marketing", "Marketer");
  const rep = await joinAsTeammate(page, browser, "Rita Rep", "Sales rep");

  // Settings → Lead capture: a form for the spring campaign, and its HTML.
  await page.goto("/settings/leads");
  await page.waitForLoadState("networkidle");
  const newForm = page.getByRole("form", { name: "New web form" });
  await newForm.getByLabel("Form name").fill("Contact us");
  await newForm.getByLabel("Campaign (optional)").fill("Spring webinar");
  await newForm.getByRole("button", { name: "Create form" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Form “Contact us” is ready" })).toBeVisible();
  const snippet = await page.getByLabel("HTML for Contact us").inputValue();
  expect(snippet).toContain("/f/");
  // The whole snippet, script included: nothing of it was read as the page's own markup.
  expect(snippet).toContain("</textarea>");
  expect(snippet.trim().endsWith("</script>")).toBe(true);
  const site = await serveSite(`<!doctype html><title>Globex vans</title><h1>Talk to us</h1>${snippet}`);

  try {
    // The rep watches their own leads.
    await rep.page.goto("/inbox?view=mine");
    await expect(rep.page.getByRole("status").filter({ hasText: "Live" })).toBeAttached();
    await expect(rep.page.getByText("No leads here.")).toBeVisible();

    // A visitor, not signed in, on the other site.
    const visitor = await browser.newContext();
    const visitorPage = await visitor.newPage();
    await postForm(visitorPage, site.url, "Ana <img src=x onerror=alert(1)> Visitor", "ana@globex.example");

    const who = "Ana <img src=x onerror=alert(1)> Visitor";
    const leads = rep.page.getByRole("list", { name: "Leads" });
    await expect(leads.getByRole("link", { name: who })).toBeVisible();
    await expect(leads).toContainText("Web form · Spring webinar");

    // The same person again: merged into the open lead, not a second one.
    await postForm(visitorPage, site.url, "Ana Visitor", "ANA@globex.example");
    await expect(leads).toContainText("2 submissions");
    await expect(leads.getByRole("listitem")).toHaveCount(1);
    await visitor.close();

    // The marketer opens the lead and qualifies it: marketing-qualified.
    const href = await leads.getByRole("link", { name: who }).getAttribute("href");
    await marketer.page.goto(href ?? "/inbox");
    await expect(marketer.page.getByRole("heading", { level: 1, name: who })).toBeVisible();
    await expect(marketer.page.getByText("utm_source=linkedin")).toBeVisible();
    await expect(marketer.page.getByText("every submission is kept here")).toBeVisible();
    // The second post's name is in its submission, not on the lead.
    await expect(marketer.page.getByText("Ana Visitor", { exact: true })).toBeVisible();
    await marketer.page.waitForLoadState("networkidle");
    const row = marketer.page.getByRole("list", { name: "This lead" });
    await row.getByRole("button", { name: `Qualify ${who}`, exact: true }).click();
    const qualify = row.getByRole("form", { name: "Qualify" });
    await qualify.getByLabel("Need").selectOption("Yes");
    await qualify.getByLabel("Budget").selectOption("Partly");
    await qualify.getByRole("button", { name: "Save answers" }).click();
    await expect(marketer.page.getByRole("status").filter({ hasText: "qualified, score" })).toBeVisible();
    // The rep's list shows it at once.
    await expect(leads).toContainText("Marketing-qualified");

    // The rep converts it into a deal, which lands on the board.
    await leads.getByRole("button", { name: `Convert ${who}`, exact: true }).click();
    const convert = leads.getByRole("form", { name: "Convert to a deal" });
    await expect(convert.getByLabel("Stage")).toContainText("Qualified");
    await convert.getByLabel("Deal title").fill("Globex spring vans");
    await convert.getByLabel("Value").fill("52,000");
    await convert.getByRole("button", { name: "Create deal" }).click();
    await expect(rep.page.getByRole("status").filter({ hasText: "Globex spring vans is now a deal" })).toBeVisible();
    await rep.page.goto("/pipeline");
    await expect(rep.page.getByRole("link", { name: /^Globex spring vans,/ })).toBeVisible();

    // The sources report counts the lead and its deal.
    await page.goto("/marketing");
    const bySource = page.getByRole("region", { name: "By source" });
    await expect(bySource.getByRole("row", { name: /Web form/ })).toContainText("1");
    await expect(page.getByRole("region", { name: "By campaign" })).toContainText("Spring webinar");
  } finally {
    site.close();
    await marketer.context.close();
    await rep.context.close();
  }
});

test("bad posts are refused with a clear answer and nothing is stored", async ({ page, request }) => {
  await new Pipewright(page).createWorkspace(newAccount());
  await page.goto("/settings/leads");
  await page.waitForLoadState("networkidle");
  const newForm = page.getByRole("form", { name: "New web form" });
  await newForm.getByLabel("Form name").fill("Demo request");
  await newForm.getByRole("button", { name: "Create form" }).click();
  const snippet = await page.getByLabel("HTML for Demo request").inputValue();
  const action = new URL(/action="([^"]+)"/.exec(snippet)?.[1] ?? "").pathname;

  const unknown = await request.post(action, { data: { email: "a@b.example", fax: "1" } });
  expect(unknown.status()).toBe(422);
  expect((await unknown.json()).message).toContain('no field called "fax"');
  const nobody = await request.post(action, { data: { name: "Nobody" } });
  expect(nobody.status()).toBe(422);
  expect(await postHuge(action, 5 * 1024 * 1024)).toBe(413);
  const bot = await request.post(action, { form: { email: "bot@spam.example", website: "http://spam" } });
  expect(bot.status()).toBe(200);
  expect(await bot.text()).toContain("Thank you");
  const missing = await request.post("/f/no-such-form", { data: { email: "a@b.example" } });
  expect(missing.status()).toBe(404);

  await page.goto("/inbox?view=new");
  await expect(page.getByText("No leads here.")).toBeVisible();
});

test("keyboard triage on desktop: walk, take and snooze", async ({ page }, info) => {
  test.skip(info.project.name.startsWith("phone"), "keyboard shortcuts are for desktop");
  await new Pipewright(page).createWorkspace(newAccount());
  await page.goto("/inbox?view=mine");
  await page.waitForLoadState("networkidle");
  await page.getByText("Add a lead", { exact: true }).click();
  const form = page.getByRole("form", { name: "Add a lead" });
  for (const [name, email] of [["Ana Keys", "ana@keys.example"], ["Bo Keys", "bo@keys.example"]]) {
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("E-mail").fill(email);
    await form.getByRole("button", { name: "Add lead" }).click();
    await expect(page.getByRole("link", { name })).toBeVisible();
  }
  await page.keyboard.press("?");
  await expect(page.getByRole("complementary", { name: "Keyboard shortcuts" })).toBeVisible();
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await page.keyboard.press("s");
  const snooze = page.getByRole("group", { name: "Snooze until" });
  await snooze.getByRole("button", { name: "Until tomorrow, 9:00" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Bo Keys snoozed" })).toBeVisible();
  await expect(page.getByRole("link", { name: /^Snoozed 1/ })).toBeVisible();
  await page.keyboard.press("/");
  await expect(page.getByRole("searchbox", { name: "Search leads" })).toBeFocused();
  await page.keyboard.type("ana");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/q=ana/);
  await expect(page.getByRole("link", { name: "Ana Keys" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Bo Keys" })).toHaveCount(0);
});
