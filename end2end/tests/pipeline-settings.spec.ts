import { expect, test, type Page } from "@playwright/test";
import { newAccount, Pipewright } from "./fixtures/pipewright";

/** Creates a deal in the first stage through the JSON endpoint; returns its id and version. */
async function createDeal(page: Page, origin: string, title: string) {
  const response = await page.request.post("/api/create_deal", {
    // The server refuses cross-site writes; a same-origin request says where it is from.
    headers: { Origin: origin },
    data: { deal: { pipeline: null, stage: null, title, changes: [{ Value: "1000" }] } },
  });
  expect(response.ok(), `create ${title}: ${await response.text()}`).toBeTruthy();
  const saved = await response.json();
  return { id: saved.card.id as string, version: saved.card.version as number };
}

const stage = (page: Page, n: number) => page.getByRole("group", { name: `Stage ${n}`, exact: true });

async function openPipelineSettings(app: Pipewright, page: Page) {
  await app.openSection("Settings");
  await page.getByRole("link", { name: "Edit pipelines" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Pipeline settings" })).toBeVisible();
  // Editing needs the WASM; the page fetches it itself.
  await page.waitForLoadState("networkidle");
}

test("an admin renames, reorders, adds and removes stages", async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? page.url()).origin;
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  await createDeal(page, origin, "Harbor freight");
  await openPipelineSettings(app, page);

  await expect(page.getByLabel("Pipeline name", { exact: true })).toHaveValue("Sales pipeline");
  await expect(stage(page, 1).getByLabel("Stage name")).toHaveValue("Qualified");
  await expect(stage(page, 1)).toContainText("1 open deal");

  const second = stage(page, 2);
  await second.getByLabel("Stage name").fill("Discovery call");
  await second.getByLabel("Win probability (%)").fill("25");
  await second.getByLabel("Rotting after (days)").fill("10");
  await second.getByRole("checkbox", { name: "Company" }).check();
  await second.getByLabel("Checklist items").fill("Budget confirmed\nTimeline agreed");
  await page.getByRole("button", { name: "Move down: Discovery call" }).click();
  await expect(stage(page, 3).getByLabel("Stage name")).toHaveValue("Discovery call");
  await expect(page.getByRole("button", { name: "Move down: Discovery call" })).toBeFocused();

  // A new stage must be named: the browser says so before anything is sent.
  await page.getByRole("button", { name: "Add stage" }).click();
  await page.getByRole("button", { name: "Save pipeline" }).click();
  await expect(stage(page, 7)).toContainText("Enter the stage's name.");
  await stage(page, 7).getByLabel("Stage name").fill("Contract signed");
  await stage(page, 7).getByLabel("Win probability (%)").fill("150");
  await page.getByRole("button", { name: "Save pipeline" }).click();
  await expect(stage(page, 7)).toContainText("Win probability is a percentage from 0 to 100.");
  await stage(page, 7).getByLabel("Win probability (%)").fill("95");
  await page.getByRole("button", { name: "Save pipeline" }).click();
  await expect(page.getByText("Pipeline saved.")).toBeVisible();

  await page.reload();
  const moved = stage(page, 3);
  await expect(moved.getByLabel("Stage name")).toHaveValue("Discovery call");
  await expect(moved.getByLabel("Win probability (%)")).toHaveValue("25");
  await expect(moved.getByLabel("Rotting after (days)")).toHaveValue("10");
  await expect(moved.getByRole("checkbox", { name: "Company" })).toBeChecked();
  await expect(moved.getByLabel("Checklist items")).toHaveValue("Budget confirmed\nTimeline agreed");
  await expect(stage(page, 7).getByLabel("Stage name")).toHaveValue("Contract signed");

  // Removing a stage that holds an open deal asks where the deal goes.
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Remove Qualified" }).click();
  await expect(page.getByRole("heading", { name: "Stages to remove" })).toBeVisible();
  await page.getByRole("button", { name: "Save pipeline" }).click();
  await expect(page.getByText("Choose where the open deal in Qualified goes.")).toBeVisible();
  // The destination's entry rules hold for moved deals too: Discovery call now needs a company.
  await page.getByLabel("Move the deals of Qualified to").selectOption({ label: "Discovery call" });
  await page.getByRole("button", { name: "Save pipeline" }).click();
  await expect(page.getByText(/1 open deals? in Qualified lack what Discovery call requires/)).toBeVisible();
  await page.getByLabel("Move the deals of Qualified to").selectOption({ label: "Contract signed" });
  await page.getByRole("button", { name: "Save pipeline" }).click();
  await expect(page.getByText("Pipeline saved.")).toBeVisible();
  await expect(stage(page, 1).getByLabel("Stage name")).toHaveValue("Needs assessment");
  await expect(page.getByRole("group", { name: "Stage 7", exact: true })).toHaveCount(0);

  await page.goto("/deals");
  await expect(page.getByRole("row", { name: /Harbor freight/ })).toContainText("Contract signed");
});

test("a stage holding only closed deals is refused by the server until they have a place", async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? page.url()).origin;
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  const deal = await createDeal(page, origin, "Won already");
  const closed = await page.request.post("/api/close_deal", {
    headers: { Origin: origin },
    data: { deal: deal.id, version: deal.version, outcome: "Won" },
  });
  expect(closed.ok(), await closed.text()).toBeTruthy();

  await openPipelineSettings(app, page);
  await expect(stage(page, 1)).toContainText("No open deals");
  await page.getByRole("button", { name: "Remove Qualified" }).click();
  await page.getByRole("button", { name: "Save pipeline" }).click();
  await expect(page.getByText(/Choose where the 1 deals? in Qualified go/)).toBeVisible();
  await page.getByLabel("Move the deals of Qualified to").selectOption({ label: "Proposal" });
  await page.getByRole("button", { name: "Save pipeline" }).click();
  await expect(page.getByText("Pipeline saved.")).toBeVisible();
  await expect(stage(page, 1).getByLabel("Stage name")).toHaveValue("Initial contact");
});

test("an admin adds a second pipeline and switches between them", async ({ page }) => {
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  await openPipelineSettings(app, page);

  await page.getByRole("button", { name: "Add pipeline" }).click();
  await expect(page.getByText("Enter the pipeline's name.")).toBeVisible();
  await page.getByLabel("New pipeline name").fill("Renewals");
  await page.getByRole("button", { name: "Add pipeline" }).click();
  await expect(page.getByText("Pipeline Renewals added with the default stages.")).toBeVisible();
  await expect(page.getByLabel("Pipeline name", { exact: true })).toHaveValue("Renewals");
  await expect(page.getByLabel("Pipeline", { exact: true })).toHaveValue(/[0-9a-f-]{36}/);

  await page.getByLabel("Pipeline", { exact: true }).selectOption({ label: "Sales pipeline" });
  await expect(page.getByLabel("Pipeline name", { exact: true })).toHaveValue("Sales pipeline");
});

test("a sales rep cannot edit pipelines", async ({ page, browser }) => {
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount("admin"));
  await page.goto("/settings/users");
  // The invite link is shown by the hydrated page; a click before hydration posts the
  // plain form, which (on purpose) never puts the token in a URL.
  await app.expectHydrated();
  const rep = newAccount("sam");
  await page.getByLabel("E-mail").fill(rep.email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: "Sales rep" });
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = await page.getByLabel("Invite link").inputValue();

  const other = await browser.newContext();
  const repPage = await other.newPage();
  await repPage.goto(new URL(link).pathname);
  await repPage.getByLabel("Your name").fill("Sam Okafor");
  await repPage.getByLabel("Choose a password").fill("rep password 123");
  await repPage.getByRole("button", { name: "Join workspace" }).click();
  await new Pipewright(repPage).expectSignedIn();

  await repPage.goto("/settings");
  await expect(repPage.getByRole("link", { name: "Edit pipelines" })).toHaveCount(0);
  const response = await repPage.goto("/settings/pipeline");
  expect(response?.status()).toBe(403);
  await expect(repPage.getByRole("alert")).toContainText("Only admins and managers can change pipelines and stages.");
  await expect(repPage.getByRole("button", { name: "Save pipeline" })).toHaveCount(0);
  await other.close();
});

test("an admin edits the lost reasons offered when a deal is lost", async ({ page }) => {
  const app = new Pipewright(page);
  await app.createWorkspace(newAccount());
  await openPipelineSettings(app, page);
  const reasons = page.getByLabel("Reasons, one per line");
  await expect(reasons).toHaveValue(/Price too high/);
  await reasons.fill(" ");
  await page.getByRole("button", { name: "Save lost reasons" }).click();
  await expect(page.getByText("Keep at least one reason: a lost deal needs one.")).toBeVisible();
  await reasons.fill("Went with Globex\n\nBudget cut");
  await page.getByRole("button", { name: "Save lost reasons" }).click();
  await expect(page.getByText("Lost reasons saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Reasons, one per line")).toHaveValue("Went with Globex\nBudget cut");
});
