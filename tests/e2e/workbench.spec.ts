import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_SESSIONS_DIR } from '../../playwright.config';
import { EvaluationTab } from './pages/evaluation-tab';
import { GenerationTab } from './pages/generation-tab';
import { ReportTab } from './pages/report-tab';
import { SetupTab } from './pages/setup-tab';
import { Sidebar } from './pages/sidebar';
import { foldedSession } from '../helpers/folded-session';

const PROMPTS = ['a portrait of a woman in a red coat, city street', 'a cabin in a snowy forest at dusk'];
const SEEDS = [898938, 424242];
const STRENGTHS = [0, 0.5, 1];
const IMAGES = PROMPTS.length * SEEDS.length * (1 + STRENGTHS.length);
// The default balanced design: per prompt and seed a cycle through the baseline, 0.5 and 1 (3 pairs), and the
// strength-0 placebo against the baseline.
const CYCLE_PAIRS = PROMPTS.length * SEEDS.length * 3;
const PAIRS = CYCLE_PAIRS + PROMPTS.length * SEEDS.length;
// Setup's default repeats 10% of the pairs other than placebos (sides swapped) as self-consistency controls.
const SCREENS = PAIRS + Math.round(CYCLE_PAIRS * 0.1);
const KEYS = ['1', '2', '3', 'ArrowLeft', 'ArrowDown', 'ArrowRight'];

test('the whole mission: setup, generation, blind evaluation, report, and loading a session back', async ({ page }, testInfo) => {
  const shot = async (name: string) =>
    testInfo.attach(name, {
      body: await page.screenshot({ fullPage: true, path: testInfo.outputPath(`${name}.png`) }),
      contentType: 'image/png',
    });
  const sidebar = new Sidebar(page);

  await page.goto('/');
  await expect(sidebar.comfySource()).toContainText('built-in simulator');

  const firstId = await sidebar.newSession();
  expect(firstId).toMatch(/^\d{8}_\d{6}(_\d+)?$/);
  const setup = new SetupTab(page);
  await setup.waitForComfy();
  await setup.fill({
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora: 'my_lora.safetensors',
    strengths: STRENGTHS.join(', '),
    seeds: SEEDS.join(', '),
    metrics: 'Quality, Style, Coherence',
    prompts: PROMPTS,
  });
  await expect(page.getByTestId('plan-summary')).toContainText(`= ${IMAGES} images`);
  await sidebar.save();
  await shot('1-setup');
  await setup.startGeneration();

  const generation = new GenerationTab(page);
  await generation.waitUntilComplete(IMAGES);
  await expect(sidebar.currentStep()).toContainText('Step 3');
  await shot('2-generation');
  await generation.goToEvaluation();

  const evaluation = new EvaluationTab(page);
  await evaluation.startAs('alice');
  for (let i = 0; i < SCREENS; i++) {
    const keys = [0, 1, 2].map((m) => KEYS[(i + m * 2) % KEYS.length]!);
    await evaluation.judgeByKeyboard(i, SCREENS, keys);
    if (i === 3) {
      // Undo with U and judge the pair again: nothing is doubled.
      await expect(evaluation.status()).toHaveText(`Pair 5 of ${SCREENS}`);
      await page.keyboard.press('u');
      await evaluation.judgeByKeyboard(3, SCREENS, ['3', '3', '3']);
      await shot('3-evaluation');
    }
  }
  await evaluation.expectComplete(SCREENS);
  await page.getByRole('button', { name: 'See the report' }).click();

  const report = new ReportTab(page);
  await report.expectReport(PAIRS);
  await shot('4-report');

  const secondId = await sidebar.newSession();
  expect(secondId).not.toBe(firstId);
  const options = await sidebar.loadOptions();
  expect(options[0]).toContain(secondId);
  expect(options[1]).toContain(`${firstId} - my_lora.safetensors (`);
  await sidebar.load(firstId);
  await expect(page.getByRole('tab', { name: '4. Report' })).toHaveAttribute('aria-selected', 'true');
  await report.expectReport(PAIRS);
  await shot('5-loaded-again');

  // Save as new copies the finished session; comparing the two shows one chart per metric, pooled first.
  await page.getByRole('button', { name: 'Save as new' }).click();
  await expect(sidebar.currentSession()).not.toHaveText(firstId);
  const copyId = (await sidebar.currentSession().textContent())!.trim();
  await report.expectReport(PAIRS);
  await sidebar.openHistory();
  await page.getByLabel(`Compare ${firstId}`).check();
  await page.getByLabel(`Compare ${copyId}`).check();
  await page.getByRole('button', { name: 'Compare selected (2)' }).click();
  await expect(page.getByTestId('compare-chart')).toHaveCount(4);
  await expect(page.getByTestId('compare-view')).toContainText(`${copyId} - my_lora.safetensors`);
  await shot('6-compare');

  const folder = path.join(E2E_SESSIONS_DIR, firstId);
  const meta = await foldedSession(E2E_SESSIONS_DIR, path.basename(folder));
  expect(meta.step_3_evaluation.evaluation_complete).toBe(true);
  expect(meta.step_3_evaluation.scores).toHaveLength(SCREENS * 3);
  const expected = [
    ...PROMPTS.flatMap((_, p) => SEEDS.map((_, s) => `baseline_${p}_${s}.png`)),
    ...PROMPTS.flatMap((_, p) => SEEDS.flatMap((_, s) => STRENGTHS.map((_, k) => `lora_${p}_${s}_${k}.png`))),
  ].sort();
  const pngs = (await readdir(path.join(folder, 'output'))).filter((f) => f.endsWith('.png'));
  expect(pngs.sort()).toEqual(expected);
});
