import { defineConfig } from "@playwright/test";

// Debian's Chromium (Playwright's own browser download cannot reach its host here). The
// flags keep it from calling out to the closed network.
export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // The JSON report is what scripts/test.sh checks: a run that never started (the build failed)
  // must not pass.
  reporter: [["list"], ["json", { outputFile: "results.json" }]],
  use: {
    baseURL: "http://127.0.0.1:3000",
    headless: true,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "off",
  },
  projects: [
    {
      name: "chromium",
      use: {
        browserName: "chromium",
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
});
