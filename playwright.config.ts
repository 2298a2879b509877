import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './bench/built-app';

// The config is loaded by the runner and by every worker; a run id in the environment (inherited by workers) makes
// them agree on one data directory.
process.env.E2E_RUN_ID ??= `${Date.now()}`;
export const E2E_SESSIONS_DIR = path.join(os.tmpdir(), `lorabench-e2e-${process.env.E2E_RUN_ID}`);
const PORT = Number(process.env.E2E_PORT ?? 3123);

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 180_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1400, height: 1000 },
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'node scripts/start.mjs --no-build',
    url: `http://127.0.0.1:${PORT}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      SESSIONS_DIR: E2E_SESSIONS_DIR,
      SIM_STEP_DELAY_MS: '5',
      COMFYUI_URL: '',
    },
  },
});
