import { defineConfig } from '@playwright/test';
import { BASE_URL, PORT } from './e2e/env';

// Debian's Chromium, never a downloaded browser build.
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const external = Boolean(process.env.E2E_BASE_URL);

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    acceptDownloads: true,
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium', viewport: { width: 1400, height: 900 } } }],
  // With E2E_BASE_URL (e.g. through Nginx) the server is started by someone else.
  webServer: external
    ? undefined
    : {
        command: 'bash e2e/start-backend.sh',
        url: `http://127.0.0.1:${PORT}/healthz`,
        timeout: 240_000,
        reuseExistingServer: !process.env.CI,
        stdout: 'pipe',
        stderr: 'pipe',
      },
});
