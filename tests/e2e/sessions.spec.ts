import { expect, test } from '@playwright/test';
import { EvaluationTab } from './pages/evaluation-tab';
import { GenerationTab } from './pages/generation-tab';
import { HistoryView } from './pages/history-view';
import { SetupTab } from './pages/setup-tab';
import { Sidebar } from './pages/sidebar';

test('sessions: notes, filter, export, delete, import, load the same report, relaunch', async ({ page }, testInfo) => {
  const shot = async (name: string) =>
    testInfo.attach(name, {
      body: await page.screenshot({ fullPage: true, path: testInfo.outputPath(`${name}.png`) }),
      contentType: 'image/png',
    });
  const sidebar = new Sidebar(page);
  const setup = new SetupTab(page);
  await page.goto('/');

  // Session A: a small finished session with my_lora.
  const a = await sidebar.newSession();
  await setup.waitForComfy();
  await setup.fill({
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora: 'my_lora.safetensors',
    strengths: '0.5, 1',
    seeds: '31337',
    metrics: 'Quality, Style',
    prompts: ['a lighthouse on a cliff at sunset'],
  });
  await sidebar.setNotes('first my_lora run');
  await setup.startGeneration();
  await new GenerationTab(page).waitUntilComplete(3);
  await new GenerationTab(page).goToEvaluation();
  const evaluation = new EvaluationTab(page);
  await evaluation.startAs('alice');
  // Balanced pairs: baseline, 0.5 and 1 in a cycle, 3 pairs.
  await evaluation.judgeByKeyboard(0, 3, ['1', '3']);
  await evaluation.judgeByKeyboard(1, 3, ['2', '1']);
  await evaluation.judgeByKeyboard(2, 3, ['3', '2']);
  await evaluation.expectComplete(3);
  await page.getByRole('button', { name: 'See the report' }).click();
  const stats = page.locator('table.stats').first();
  await expect(stats).toBeVisible();
  const reportText = await stats.innerText();

  // Session B: a different LoRA; Setup is saved by autosave, without pressing Save.
  const b = await sidebar.newSession();
  await setup.waitForComfy();
  await page.getByLabel('LoRA file').selectOption('watercolor_style_v1.safetensors');
  await expect(page.getByTestId('save-status')).toHaveText('Unsaved edits');
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved', { timeout: 10_000 });
  await sidebar.setNotes('watercolor try');

  // The Load dropdown filters by LoRA name.
  await sidebar.filter('watercolor');
  await expect(page.locator('#load-select option')).toHaveText([new RegExp(`^${b} - watercolor_style_v1.safetensors`)]);
  await sidebar.filter('my_lora');
  const mine = await sidebar.loadOptions();
  expect(mine.some((o) => o.startsWith(`${a} - my_lora.safetensors`))).toBe(true);
  expect(mine.some((o) => o.includes('watercolor'))).toBe(false);
  await sidebar.filter('');

  // History: notes shown, export A, delete it (to the trash), import the zip as a new session.
  await sidebar.openHistory();
  const history = new HistoryView(page);
  await expect(history.row(a)).toContainText('first my_lora run');
  await expect(history.row(b)).toContainText('watercolor try');
  await history.row(a).getByRole('button', { name: 'Details' }).click();
  await expect(page.getByTestId('session-details')).toContainText('a lighthouse on a cliff at sunset');
  await shot('1-history');
  const zip = await (await history.exportZip(a)).path();
  await history.delete(a);
  await expect(page.getByRole('button', { name: `Restore ${a}` })).toBeVisible();
  await history.importZip(zip);

  // The import is loaded as a new session with the same report.
  await expect(sidebar.currentSession()).not.toHaveText(b);
  const imported = (await sidebar.currentSession().textContent())!.trim();
  expect(imported).not.toBe(a);
  await expect(page.getByRole('tab', { name: '4. Report' })).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => page.locator('table.stats').first().innerText()).toBe(reportText);
  await expect(page.getByTestId('reveal-all').getByTestId('reveal-item')).toHaveCount(3);
  await shot('2-imported-report');

  // Relaunch: a new session with the same Setup and nothing generated.
  await sidebar.relaunch();
  await expect(sidebar.currentSession()).not.toHaveText(imported);
  await expect(sidebar.currentStep()).toContainText('Step 1');
  await expect(page.getByLabel('LoRA file')).toHaveValue('my_lora.safetensors');
  await expect(page.getByLabel('LoRA strengths')).toHaveValue('0.5, 1');
  await expect(page.getByLabel('Seeds', { exact: true })).toHaveValue('31337');
  await expect(page.getByLabel('Prompt 1 positive')).toHaveValue('a lighthouse on a cliff at sunset');
  await shot('3-relaunched');
});
