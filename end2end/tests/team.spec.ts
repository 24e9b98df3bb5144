import { expect, test } from "@playwright/test";
import { newAccount, Pipewright } from "./fixtures/pipewright";

test("an admin invites a rep, who joins, signs in and cannot manage users", async ({ page }) => {
  const app = new Pipewright(page);
  const admin = newAccount("admin");
  await app.createWorkspace(admin);

  await app.openSection("Settings");
  await page.getByRole("link", { name: "Manage users" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await app.expectHydrated();
  const rep = newAccount("sam");
  await page.getByLabel("E-mail").fill(rep.email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: "Sales rep" });
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = await page.getByLabel("Invite link").inputValue();
  expect(link).toMatch(/\/invite\/[0-9a-f]{64}$/);
  await expect(page.getByRole("heading", { name: "Pending invitations" })).toBeVisible();

  await app.signOut(admin.name);
  await page.goto(new URL(link).pathname);
  await expect(page.getByText(admin.workspace)).toBeVisible();
  await page.getByLabel("Your name").fill("Sam Okafor");
  await page.getByLabel("Choose a password").fill("rep password 123");
  await page.getByRole("button", { name: "Join workspace" }).click();
  await app.expectSignedIn();

  await app.signOut("Sam Okafor");
  await app.signIn(rep.email, "rep password 123");
  await app.expectSignedIn();
  await app.openSection("Settings");
  await expect(page.getByRole("link", { name: "Manage users" })).toHaveCount(0);
  await page.goto("/settings/users");
  await expect(page.getByRole("alert")).toContainText("Only workspace admins can manage users.");

  // The used link cannot be used again.
  await app.signOut("Sam Okafor");
  await page.goto(new URL(link).pathname);
  await expect(page.getByRole("alert")).toContainText("already been used");
});

test("an admin deactivates a teammate", async ({ page, browser }) => {
  const app = new Pipewright(page);
  const admin = newAccount("admin");
  await app.createWorkspace(admin);
  await page.goto("/settings/users");
  // The invite link is shown by the hydrated page; a click before hydration posts the
  // plain form, which (on purpose) never puts the token in a URL.
  await app.expectHydrated();
  const rep = newAccount("lee");
  await page.getByLabel("E-mail").fill(rep.email);
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = await page.getByLabel("Invite link").inputValue();

  const other = await browser.newContext();
  const repPage = await other.newPage();
  await repPage.goto(new URL(link).pathname);
  await repPage.getByLabel("Your name").fill("Lee Chen");
  await repPage.getByLabel("Choose a password").fill("rep password 123");
  await repPage.getByRole("button", { name: "Join workspace" }).click();
  await new Pipewright(repPage).expectSignedIn();

  await page.reload();
  await page.getByRole("button", { name: "Deactivate Lee Chen" }).click();
  await expect(page.getByRole("button", { name: "Reactivate Lee Chen" })).toBeVisible();

  await repPage.reload();
  await expect(repPage.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await other.close();
});
