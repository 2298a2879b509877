import { expect, test } from '@playwright/test';
import { E2E_SESSIONS_DIR } from '../../playwright.config';
import { foldedSession } from '../helpers/folded-session';
import { EvaluationTab } from './pages/evaluation-tab';
import { SetupTab } from './pages/setup-tab';
import { Sidebar } from './pages/sidebar';

test('owner blind mode hides the images until the owner looks; looking mid-rating ends that rating, judgments kept and flagged', async ({
  page,
}, testInfo) => {
  const sidebar = new Sidebar(page);
  const setup = new SetupTab(page);
  await page.goto('/');
  const id = await sidebar.newSession();
  await setup.waitForComfy();
  await setup.fill({
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora: 'my_lora.safetensors',
    strengths: '0.5, 1',
    seeds: '7, 8',
    metrics: 'Quality',
    prompts: ['a red kite over a beach'],
  });
  await page.getByLabel('I will rate this myself (hide the images until I have rated)').check();
  await setup.startGeneration();

  // Generation runs and reports progress, but shows no picture.
  const progress = page.getByTestId('generation-progress');
  await expect(progress).toContainText('6 / 6 images (100%)', { timeout: 120_000 });
  await expect(page.getByTestId('look-gate')).toContainText('I will rate this myself');
  await expect(page.locator('table.grid img.thumb')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('1-blind-generation.png') });

  // The owner rates two of the 7 screens (2 seeds × a cycle of 3, and a repeated control) here, then opens the
  // Generation tab: it asks first.
  await page.getByRole('button', { name: 'Go to evaluation' }).click();
  const evaluation = new EvaluationTab(page);
  await evaluation.startAs('me');
  await evaluation.judgeByKeyboard(0, 7, ['1']);
  await evaluation.judgeByKeyboard(1, 7, ['3']);
  await page.getByRole('tab', { name: '2. Generation' }).click();
  await expect(page.getByTestId('look-gate')).toContainText('me is rating this session blind on this screen');
  await page.screenshot({ path: testInfo.outputPath('2-look-gate.png') });
  await page.getByRole('button', { name: 'Show anyway and end the blind rating' }).click();
  await expect(page.locator('table.grid img.thumb').first()).toBeVisible();

  const saved = await foldedSession(E2E_SESSIONS_DIR, id);
  const me = saved.step_3_evaluation.raters.find((r) => r.name === 'me')!;
  expect(me.looked_at).not.toBeNull();
  expect(saved.step_3_evaluation.scores.filter((s) => s.rater === 'me')).toHaveLength(2);

  // Their rating has ended: the report opens, flagged.
  await page.getByRole('tab', { name: '4. Report' }).click();
  await expect(page.getByTestId('looked')).toContainText('me opened labelled images or results before finishing');
  await expect(page.getByTestId('rater-blindness')).toContainText('judged before looking at results');
  await page.screenshot({ fullPage: true, path: testInfo.outputPath('3-report-flagged.png') });
});
