import { defineConfig, devices } from "@playwright/test";

// The release server is started by scripts/e2e.sh (fresh SQLite file per run) and
// reached at PIPEWRIGHT_URL. Chromium is Debian's: Playwright cannot download browsers here.
const baseURL = process.env.PIPEWRIGHT_URL ?? "http://127.0.0.1:3100";

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
};

const desktop = { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } };
const phone = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  userAgent: devices["Pixel 7"].userAgent,
};

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    launchOptions: chromium,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "desktop", use: desktop },
    { name: "phone", use: phone },
    // Progressive enhancement: the sign-in flow works, and every page shows its records'
    // values, before (or without) the WASM.
    { name: "desktop-no-js", use: { ...desktop, javaScriptEnabled: false }, testMatch: /(auth|account|activity-log|server-rendered)\.spec\.ts/ },
    { name: "phone-no-js", use: { ...phone, javaScriptEnabled: false }, testMatch: /(auth|account|activity-log|server-rendered)\.spec\.ts/ },
  ],
});
