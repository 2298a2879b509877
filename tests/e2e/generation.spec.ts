import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_SESSIONS_DIR } from '../../playwright.config';
import { GenerationTab } from './pages/generation-tab';
import { SetupTab } from './pages/setup-tab';
import { Sidebar } from './pages/sidebar';
import { foldedSession } from '../helpers/folded-session';

test('generation: start, cancel halfway, resume, reach 100% with no duplicate image', async ({ page }, testInfo) => {
  const shot = async (name: string) => {
    const file = testInfo.outputPath(`${name}.png`);
    await page.screenshot({ fullPage: true, path: file });
    return file;
  };
  const sidebar = new Sidebar(page);
  const setup = new SetupTab(page);
  await page.goto('/');
  const id = await sidebar.newSession();
  await setup.waitForComfy();
  await setup.fill({
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora: 'pixel_art_xl.safetensors',
    strengths: '0.5, 1',
    seeds: '7, 8',
    metrics: 'Quality',
    prompts: ['a red fox in the snow', 'a sailing boat at dawn'],
  });
  // 100 sampler steps at the simulator's 5 ms per step: about half a second per image, slow enough to cancel.
  await page.getByLabel('Steps', { exact: true }).fill('100');
  await setup.startGeneration();

  const progress = page.getByTestId('generation-progress');
  await expect(progress).toContainText(/^[3-9] \/ 12 images/, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Resume generation' })).toBeVisible();
  await expect(progress).toContainText('interrupted');
  const doneAtCancel = Number(/^(\d+) \/ 12/.exec((await progress.textContent()) ?? '')?.[1]);
  expect(doneAtCancel).toBeGreaterThanOrEqual(3);
  expect(doneAtCancel).toBeLessThan(12);
  await expect(page.getByTestId('cell-running')).toHaveCount(0);
  await testInfo.attach('cancelled', { path: await shot('1-cancelled') });

  await page.getByRole('button', { name: 'Resume generation' }).click();
  await new GenerationTab(page).waitUntilComplete(12);
  await testInfo.attach('resumed', { path: await shot('2-resumed') });

  const meta = await foldedSession(E2E_SESSIONS_DIR, id);
  const ids = meta.step_2_generation.results.map((r) => r.image_id);
  expect(new Set(ids).size).toBe(12);
  expect(meta.step_2_generation.results.every((r) => r.status === 'done')).toBe(true);
  expect(new Set(meta.step_2_generation.results.map((r) => r.comfy_prompt_id)).size).toBe(12);
  const files = (await readdir(path.join(E2E_SESSIONS_DIR, id, 'output'))).filter((f) => f.endsWith('.png'));
  expect(files.sort()).toEqual(meta.step_2_generation.results.map((r) => r.filename).sort());
});

test('generation: a grid taller than the window renders the rows near the screen, and the others on scrolling', async ({ page }) => {
  const seeds = Array.from({ length: 14 }, (_, i) => i + 1);
  const setup = new SetupTab(page);
  await page.goto('/');
  await new Sidebar(page).newSession();
  await setup.waitForComfy();
  await setup.fill({
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora: 'my_lora.safetensors',
    strengths: '1',
    seeds: seeds.join(', '),
    metrics: 'Quality',
    prompts: ['a lighthouse at night'],
  });
  await setup.startGeneration();
  const generation = new GenerationTab(page);
  await generation.waitUntilComplete(seeds.length * 2);

  const grid = page.getByRole('table', { name: 'Grid for prompt 1' });
  await expect(grid).toHaveAttribute('aria-rowcount', String(seeds.length + 1));
  await expect(page.getByAltText('baseline, prompt 1, seed 1', { exact: true })).toBeVisible();
  await expect(page.getByAltText('LoRA 1, prompt 1, seed 14', { exact: true })).toHaveCount(0);

  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const last = page.getByAltText('LoRA 1, prompt 1, seed 14', { exact: true });
  await expect(last).toBeInViewport();
  await expect.poll(() => last.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await expect(page.getByAltText('baseline, prompt 1, seed 1', { exact: true })).toHaveCount(0);
  await expect(grid.getByRole('row', { name: /^14\b/ })).toHaveAttribute('aria-rowindex', String(seeds.length + 1));
});
