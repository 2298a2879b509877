import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startSimProcess } from '../helpers/sim-process';
import { GenerationTab } from './pages/generation-tab';
import { NOTES_DIR } from './pages/axe';
import { LogView } from './pages/log-view';
import { SetupTab } from './pages/setup-tab';
import { Sidebar } from './pages/sidebar';

const SCREENSHOT = process.env.LOG_VIEW_SCREENSHOT ?? path.join(NOTES_DIR, 'log-view.png');

let sims: Array<{ url: string; child: ChildProcess }> = [];
test.afterEach(() => {
  for (const s of sims) s.child.kill('SIGKILL');
  sims = [];
});

test('log: a server killed midway shows its failure, the move to the other server and the completion', async ({ page }, testInfo) => {
  // Two simulators of our own, 40 steps at 10 ms: about 0.4 s an image, so the kill lands midway.
  sims = [await startSimProcess(['--step-delay-ms', '10']), await startSimProcess(['--step-delay-ms', '10'])];
  const [gpu1, gpu2] = sims as [(typeof sims)[0], (typeof sims)[0]];
  const sidebar = new Sidebar(page);
  const setup = new SetupTab(page);
  await page.goto('/');
  await sidebar.newSession();
  // The status light checks one server; the model lists come from it, and both simulators hold the same models.
  await page.getByLabel('Server URL(s)').fill(gpu1.url);
  await page.getByRole('button', { name: 'Check' }).click();
  await setup.waitForComfy();
  await setup.fill({
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora: 'pixel_art_xl.safetensors',
    strengths: '0.5, 1',
    seeds: '7, 8, 9, 10',
    metrics: 'Quality',
    prompts: ['a red fox in the snow'],
  });
  await page.getByLabel('Steps', { exact: true }).fill('40');
  await page.getByLabel('Server URL(s)').fill(`${gpu1.url},${gpu2.url}`);
  await setup.startGeneration();

  const progress = page.getByTestId('generation-progress');
  await expect(progress).toContainText(/^[2-9] \/ 12 images/, { timeout: 60_000 });
  gpu2.child.kill('SIGKILL');
  await new GenerationTab(page).waitUntilComplete(12);

  const log = new LogView(page);
  await log.openFromSidebar();
  await expect(page).toHaveURL(/\/sessions\/\d{8}_\d{6}(_\d+)?\/log$/);
  const lost = page.getByTestId('log-line').filter({ hasText: `server ${gpu2.url} stopped answering: ` });
  await expect(lost).toHaveCount(1);
  await expect(lost).toContainText(`moved to ${gpu1.url}`);
  await expect(page.getByTestId('log-line').filter({ hasText: 'back in the queue: its server' }).first()).toBeVisible();
  await expect(page.getByTestId('log-line').filter({ hasText: 'generation completed: 12 images' })).toHaveCount(1);
  await expect(log.summary()).toContainText('12 images: 12 done, 0 failed');
  await expect(log.summary()).toContainText(`2 servers: ${gpu1.url}, ${gpu2.url}`);
  // Where a line concerns a prompt, its prompt_id and server are shown.
  const sent = page.getByTestId('log-line').filter({ hasText: 'sent to ComfyUI' }).first();
  await expect(sent.locator('td:nth-child(4) code')).toHaveText(/^[0-9a-f]{8}$/);
  await expect(sent.locator('td:nth-child(5)')).toContainText(/http:\/\/127\.0\.0\.1:\d+/);
  await expect(page.getByRole('region', { name: 'Timing' })).toContainText(gpu1.url);

  // Errors first with one click, then only the errors, then a search.
  await page.getByRole('button', { name: 'Errors first' }).click();
  await expect(log.lines().first()).toContainText(`server ${gpu2.url} stopped answering`);
  await page.screenshot({ path: SCREENSHOT, fullPage: false });
  await testInfo.attach('log view', { path: SCREENSHOT });
  for (const kind of ['Generation', 'Evaluation', 'Setup', 'Lifecycle']) await page.getByLabel(kind, { exact: true }).uncheck();
  const errors = await log.texts();
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.every((t) => t.includes('stopped answering'))).toBe(true);
  await page.getByLabel('Generation', { exact: true }).check();
  await page.getByLabel('Search the log').fill('generation completed');
  await expect(log.lines()).toHaveCount(1);
  await expect(page.getByTestId('log-count')).toContainText(/^1 of \d+ events$/);
});
