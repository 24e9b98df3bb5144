import { expect, test, type Page } from "@playwright/test";
import { newAccount, Pipewright } from "./fixtures/pipewright";

/** Nothing may make a phone screen scroll sideways. */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

const UUID_PATH = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function addCompany(page: Page, fields: { name: string; domain?: string; industry?: string; employees?: string }) {
  await page.getByLabel("Name", { exact: true }).fill(fields.name);
  await page.getByLabel("Domain", { exact: true }).fill(fields.domain ?? "");
  await page.getByLabel("Industry", { exact: true }).fill(fields.industry ?? "");
  await page.getByLabel("Employees", { exact: true }).fill(fields.employees ?? "");
  await page.getByRole("button", { name: "Add company" }).click();
}

async function addContact(page: Page, fields: { name: string; email?: string; phone?: string; title?: string }) {
  await page.getByLabel("Name", { exact: true }).fill(fields.name);
  await page.getByLabel("E-mail", { exact: true }).fill(fields.email ?? "");
  await page.getByLabel("Phone", { exact: true }).fill(fields.phone ?? "");
  await page.getByLabel("Job title", { exact: true }).fill(fields.title ?? "");
  await page.getByRole("button", { name: "Add contact" }).click();
}

test("companies: add, edit with field errors, refuse a taken domain, search and sort", async ({ page }) => {
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  await app.openSection("Companies");

  await addCompany(page, { name: "Acme Corp", domain: "acme.example", industry: "Manufacturing", employees: "1200" });
  await expect(page.getByRole("heading", { level: 1, name: "Acme Corp" })).toBeVisible();
  await expect(page).toHaveURL(UUID_PATH);
  await expect(page.getByText("1,200")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Deals (0)" })).toBeVisible();
  await expectNoSidewaysScroll(page);

  // Bad input is refused field by field and changes nothing.
  await page.getByText("Edit company", { exact: true }).click();
  await page.getByLabel("Employees", { exact: true }).fill("-5");
  await page.getByRole("button", { name: "Save company" }).click();
  await expect(page.getByText("The size cannot be negative.")).toBeVisible();
  await page.reload();
  await expect(page.getByText("1,200")).toBeVisible();

  await page.getByText("Edit company", { exact: true }).click();
  await page.getByLabel("Employees", { exact: true }).fill("1500");
  await page.getByLabel("Industry", { exact: true }).fill("Aerospace");
  await page.getByRole("button", { name: "Save company" }).click();
  await expect(page.getByText("1,500")).toBeVisible();
  // In the details (the timeline may show the change too: "Manufacturing → Aerospace").
  await expect(page.getByRole("definition").filter({ hasText: "Aerospace" })).toBeVisible();

  // The same domain, written differently, is offered as the existing company.
  await page.getByRole("link", { name: "All companies" }).click();
  await addCompany(page, { name: "Acme Inc", domain: "https://www.ACME.example/" });
  await expect(page.getByText("Acme Corp already uses this domain.")).toBeVisible();
  await page.getByRole("link", { name: "Open the existing company" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Acme Corp" })).toBeVisible();

  await page.getByRole("link", { name: "All companies" }).click();
  await addCompany(page, { name: "Globex", domain: "globex.example" });
  await expect(page.getByRole("heading", { level: 1, name: "Globex" })).toBeVisible();

  await page.getByRole("link", { name: "All companies" }).click();
  const list = page.getByRole("list", { name: "Companies" });
  await expect(list.getByRole("link")).toHaveText(["Acme Corp", "Globex"]);
  await page.getByLabel("Sort by").selectOption({ label: "Name Z–A" });
  await page.getByRole("button", { name: "Search" }).click();
  await expect(list.getByRole("link")).toHaveText(["Globex", "Acme Corp"]);
  await page.getByLabel("Search companies").fill("GLOB");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(list.getByRole("link")).toHaveText(["Globex"]);
  await expect(page.getByRole("status").filter({ hasText: "Showing 1–1 of 1" })).toBeVisible();
  await expectNoSidewaysScroll(page);
});

test("contacts: add at a company, refuse a taken e-mail, show text as text", async ({ page }) => {
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  await app.openSection("Companies");
  await addCompany(page, { name: "Acme Corp", domain: "acme.example" });
  await page.getByRole("link", { name: "Add a contact at Acme Corp" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Contacts" })).toBeVisible();
  await expect(page.getByLabel("Company", { exact: true })).toHaveValue("Acme Corp");

  await addContact(page, { name: "Dana Scully", email: "Dana@FBI.example", phone: "+1 555 010 0200", title: "Special Agent" });
  await expect(page.getByRole("heading", { level: 1, name: "Dana Scully" })).toBeVisible();
  await expect(page.getByRole("link", { name: "dana@fbi.example" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Acme Corp" })).toBeVisible();
  await expectNoSidewaysScroll(page);

  // Bad input: each field says what is wrong, and nothing is created.
  await page.getByRole("link", { name: "All contacts" }).click();
  await addContact(page, { name: "Fox Mulder", email: "fox@", phone: "call me" });
  await expect(page.getByText("Enter an e-mail address like name@company.com.")).toBeVisible();
  await expect(page.getByText("Enter a phone number, like 555 010 0200")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("list", { name: "Contacts" }).getByRole("link", { name: "Fox Mulder" })).toHaveCount(0);

  // The same e-mail is offered as the existing contact instead of a second record.
  await addContact(page, { name: "D. Scully", email: "dana@fbi.example" });
  await expect(page.getByText("Dana Scully already has this e-mail.")).toBeVisible();
  await page.getByRole("link", { name: "Open the existing contact" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dana Scully" })).toBeVisible();

  // Markup typed into a name is shown as the characters typed.
  await page.getByRole("link", { name: "All contacts" }).click();
  await addContact(page, { name: "<b>Fox</b> Mulder" });
  await expect(page.getByRole("heading", { level: 1, name: "<b>Fox</b> Mulder" })).toBeVisible();
  await expect(page.locator("h1 b")).toHaveCount(0);

  // The company page lists its people.
  await page.goto("/companies");
  await page.getByRole("list", { name: "Companies" }).getByRole("link", { name: "Acme Corp" }).click();
  await expect(page.getByRole("heading", { name: "People (1)" })).toBeVisible();
  await page.getByRole("link", { name: "Dana Scully" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dana Scully" })).toBeVisible();
});

test("another workspace's company is not found", async ({ page, browser }) => {
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  await page.goto("/companies");
  await addCompany(page, { name: "Acme Corp" });
  await expect(page).toHaveURL(UUID_PATH);
  const address = new URL(page.url()).pathname;

  const other = await browser.newContext();
  const stranger = await other.newPage();
  await new Pipewright(stranger).createWorkspace(newAccount("hank"));
  const response = await stranger.goto(address);
  expect(response?.status()).toBe(404);
  await expect(stranger.getByRole("alert")).toContainText("does not exist");
  await other.close();
});
