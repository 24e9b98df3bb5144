import { expect, test, type Browser, type Page } from "@playwright/test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createWorkspaceDirectly, newAccount, Pipewright, type Account } from "./fixtures/pipewright";

// Runs hydrated and with JavaScript disabled, at phone and desktop sizes: every form
// here posts without the WASM too.

/** The same person signed in from a second browser (their phone, say). */
async function secondBrowser(browser: Browser, javaScriptEnabled: boolean, account: Account) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  const app = new Pipewright(page);
  await app.signIn(account.email, account.password);
  await app.expectSignedIn();
  return { context, page, app };
}

async function openAccount(page: Page) {
  await page.goto("/settings");
  await page.getByRole("link", { name: "Manage your account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
}

async function expectSignedOut(page: Page) {
  await page.goto("/pipeline");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
}

test("changing the password signs out the other browser", async ({ page, browser, javaScriptEnabled }) => {
  const account = newAccount();
  const app = new Pipewright(page);
  await app.createWorkspace(account);
  const other = await secondBrowser(browser, javaScriptEnabled, account);

  await openAccount(page);
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill("staple battery horse");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("That is not your current password.").first()).toBeVisible();

  await page.getByLabel("Current password").fill(account.password);
  await page.getByLabel("New password").fill("staple battery horse");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed." })).toBeVisible();

  await expectSignedOut(other.page);
  await other.app.signIn(account.email, account.password);
  await expect(other.page.getByText("That e-mail and password do not match.")).toBeVisible();
  await other.app.signIn(account.email, "staple battery horse");
  await other.app.expectSignedIn();
  // This browser stayed signed in.
  await page.goto("/pipeline");
  await app.expectSignedIn();
  await other.context.close();
});

test("end one session, then sign out everywhere", async ({ page, browser, javaScriptEnabled }) => {
  const account = newAccount();
  const app = new Pipewright(page);
  await app.createWorkspace(account);
  const other = await secondBrowser(browser, javaScriptEnabled, account);

  await openAccount(page);
  const sessions = page.getByRole("region", { name: "Where you are signed in" });
  await expect(sessions.getByRole("listitem")).toHaveCount(2);
  await expect(sessions.getByText("(this browser)")).toBeVisible();
  await sessions.getByRole("button", { name: /^End session on / }).click();
  await expect(sessions.getByRole("listitem")).toHaveCount(1);
  await expectSignedOut(other.page);

  await other.app.signIn(account.email, account.password);
  await other.app.expectSignedIn();
  await openAccount(page);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await expectSignedOut(page);
  await expectSignedOut(other.page);
  await other.context.close();
});

/** The newest message the local SMTP sink kept for `email` (scripts/e2e.sh starts it). */
async function mailFor(email: string): Promise<string> {
  const mailbox = process.env.PIPEWRIGHT_MAILBOX;
  test.skip(!mailbox, "needs the SMTP sink that scripts/e2e.sh starts");
  let found: string | undefined;
  await expect
    .poll(() => {
      const files = readdirSync(mailbox!).sort().reverse();
      found = files.map((f) => readFileSync(join(mailbox!, f), "utf8")).find((m) => m.includes(`To: ${email}`));
      return found !== undefined;
    })
    .toBe(true);
  return found!;
}

test("a forgotten password is reset by the link in the e-mail", async ({ page, request }) => {
  const account = newAccount();
  await createWorkspaceDirectly(request, account);
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Reset your password" })).toBeVisible();
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("If that address has an account, a reset link is on its way.");

  const mail = await mailFor(account.email);
  expect(mail).toContain("Subject: Reset your Pipewright password");
  const link = mail.match(/https?:\/\/\S+\/reset-password\/[0-9a-f]{64}/)?.[0];
  expect(link).toBeTruthy();
  await page.goto(new URL(link!).pathname);
  await expect(page.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
  await page.getByLabel("New password", { exact: true }).fill("a brand new password");
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  const app = new Pipewright(page);
  await app.expectSignedIn();

  // The link works once; the old password no longer does, the new one does.
  await app.signOut(account.name);
  await page.goto(new URL(link!).pathname);
  await page.getByLabel("New password", { exact: true }).fill("yet another password");
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(page.getByText("This reset link has expired or was already used.").first()).toBeVisible();
  await app.signIn(account.email, account.password);
  await expect(page.getByText("That e-mail and password do not match.")).toBeVisible();
  await app.signIn(account.email, "a brand new password");
  await app.expectSignedIn();
});
