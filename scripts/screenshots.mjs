// Takes screenshots of the main screens at phone and desktop sizes, for a human look.
// Usage: node scripts/screenshots.mjs http://127.0.0.1:3005 EMAIL PASSWORD [outdir]
import { chromium } from "@playwright/test";

const [base, email, password, out = "screenshots"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"],
});
const sizes = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };
for (const [name, viewport] of Object.entries(sizes)) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: name === "phone", hasTouch: name === "phone" });
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.screenshot({ path: `${out}/${name}-sign-in.png` });
  await page.goto(`${base}/sign-up`);
  await page.screenshot({ path: `${out}/${name}-sign-up.png` });
  await page.goto(`${base}/forgot-password`);
  await page.screenshot({ path: `${out}/${name}-forgot-password.png` });
  await page.goto(`${base}/reset-password/${"0".repeat(64)}`);
  await page.screenshot({ path: `${out}/${name}-reset-password.png` });
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/pipeline/);
  await page.locator(".deal-card").first().waitFor();
  await page.screenshot({ path: `${out}/${name}-pipeline.png` });
  await page.locator(".deal-card").first().click();
  await page.getByLabel("Title").waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/${name}-deal.png`, fullPage: true });
  await page.goto(`${base}/deals`);
  await page.screenshot({ path: `${out}/${name}-deals.png` });
  await page.goto(`${base}/settings/users`);
  await page.getByRole("heading", { name: "Members" , exact: false}).waitFor();
  await page.screenshot({ path: `${out}/${name}-users.png`, fullPage: true });
  await page.goto(`${base}/inbox`);
  await page.screenshot({ path: `${out}/${name}-inbox.png` });
  await page.goto(`${base}/settings/account`);
  await page.getByRole("heading", { name: "Where you are signed in" }).waitFor();
  await page.screenshot({ path: `${out}/${name}-account.png`, fullPage: true });
  await page.goto(`${base}/settings/activity-log`);
  await page.getByRole("list", { name: "Events" }).waitFor();
  await page.screenshot({ path: `${out}/${name}-activity-log.png` });
  await page.goto(`${base}/settings/activity-log?action=deal.created`);
  await page.getByRole("heading", { name: "Activity log" }).waitFor();
  await page.screenshot({ path: `${out}/${name}-activity-log-moves.png`, fullPage: true });
  await context.close();
}
await browser.close();
