// Browser journeys run in Debian's Chromium (never a downloaded browser) against a server the
// test command has already started at BASE_URL.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results',
  // Month end moves the demo's October on (deadlines pass, reports change status), so it runs
  // after every other journey.
  projects: [
    { name: 'journeys', testIgnore: /month-end\.spec\.mjs/ },
    { name: 'month end', testMatch: /month-end\.spec\.mjs/, dependencies: ['journeys'] },
  ],
  use: {
    baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:3000',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
});
