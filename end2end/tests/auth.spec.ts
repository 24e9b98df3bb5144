import { expect, test } from "@playwright/test";
import { createWorkspaceDirectly, newAccount, Pipewright } from "./fixtures/pipewright";

// Runs hydrated and with JavaScript disabled, at phone and desktop sizes.

test("create a workspace, sign out and sign in again", async ({ page }) => {
  const app = new Pipewright(page);
  const account = newAccount();
  await app.createWorkspace(account);
  await expect(page.getByRole("banner")).toContainText(account.workspace);
  await app.signOut(account.name);
  await app.signIn(account.email.toUpperCase(), account.password);
  await app.expectSignedIn();
});

test("a wrong password is refused with a clear message", async ({ page, request }) => {
  const account = newAccount();
  await createWorkspaceDirectly(request, account);
  const app = new Pipewright(page);
  await app.signIn(account.email, "not the password");
  await expect(page.getByText("That e-mail and password do not match.")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await app.signIn(account.email, account.password);
  await app.expectSignedIn();
});

test("sign-up problems are shown next to their fields", async ({ page, request }) => {
  const taken = newAccount();
  await createWorkspaceDirectly(request, taken);
  const submit = async (password: string) => {
    // Without JavaScript the page reloads after each attempt, so fill every field.
    await page.getByLabel("Workspace name").fill("Another team");
    await page.getByLabel("Your name").fill("Sam Okafor");
    await page.getByLabel("Work e-mail").fill(taken.email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create workspace" }).click();
  };
  await page.goto("/sign-up");
  await submit("short");
  await expect(page.getByText("Use at least 10 characters for the password.")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await submit("a long enough password");
  await expect(page.getByText("An account with this e-mail already exists. Sign in instead.")).toBeVisible();
});

test("signed-out visitors are sent to sign in", async ({ page }) => {
  await page.goto("/settings/users");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
});

test("once hydrated, fields are checked in the browser as you leave them", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "needs the WASM");
  const blocked: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) blocked.push(message.text());
  });
  await page.goto("/sign-up");
  // Wait for hydration: the bundle is fetched and started by the page itself.
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Work e-mail").fill("not-an-address");
  await page.getByLabel("Work e-mail").blur();
  await expect(page.getByText("Enter an e-mail address like name@company.com.")).toBeVisible();
  await expect(page.getByLabel("Work e-mail")).toHaveAttribute("aria-invalid", "true");
  expect(blocked).toEqual([]);
});
