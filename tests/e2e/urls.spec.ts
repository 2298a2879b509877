import { expect, test, type Browser, type Page } from '@playwright/test';
import { EvaluationTab } from './pages/evaluation-tab';
import { GenerationTab } from './pages/generation-tab';
import { HistoryView } from './pages/history-view';
import { SessionPage, STEP_SLUGS } from './pages/session-page';
import { SetupTab } from './pages/setup-tab';
import { Sidebar } from './pages/sidebar';

/** Two finished sessions, the second a copy ("Save as new") of the first, so the first is not the newest. */
let first = '';
let copy = '';

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  const sidebar = new Sidebar(page);
  const setup = new SetupTab(page);
  await page.goto('/');
  first = await sidebar.newSession();
  await setup.waitForComfy();
  await setup.fill({
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora: 'my_lora.safetensors',
    strengths: '0.5, 1',
    seeds: '4242',
    metrics: 'Quality, Style',
    prompts: ['a windmill in a tulip field'],
  });
  await setup.startGeneration();
  await new GenerationTab(page).waitUntilComplete(3);
  await new GenerationTab(page).goToEvaluation();
  const evaluation = new EvaluationTab(page);
  await evaluation.startAs('url-tester');
  // Balanced pairs: baseline, 0.5 and 1 in a cycle, 3 pairs.
  await evaluation.judgeByKeyboard(0, 3, ['1', '3']);
  await evaluation.judgeByKeyboard(1, 3, ['2', '1']);
  await evaluation.judgeByKeyboard(2, 3, ['3', '2']);
  await evaluation.expectComplete(3);
  await page.getByRole('button', { name: 'See the report' }).click();
  await expect(page.getByTestId('recommendation')).toBeVisible();
  await page.getByRole('button', { name: 'Save as new' }).click();
  await expect(sidebar.currentSession()).not.toHaveText(first);
  copy = (await sidebar.currentSession().textContent())!.trim();
  await page.close();
});

/** Opens `url` in a browser context of its own (no cookies, storage or history shared with the test's page). */
async function inNewContext(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

test('reload on each of the four tabs returns to the same session and tab', async ({ page }, testInfo) => {
  // A page rendered on the server and again in the browser must agree (no hydration errors), on every tab.
  const errors: string[] = [];
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  page.on('pageerror', (err) => errors.push(err.message));
  const session = new SessionPage(page);
  await page.goto(`/sessions/${first}/setup`);
  await session.expectOpen(first, 'setup');
  for (const step of STEP_SLUGS) {
    if (step !== 'setup') await session.clickTab(step);
    await session.expectOpen(first, step);
    await page.reload();
    await session.expectOpen(first, step);
    await page.screenshot({ fullPage: true, path: testInfo.outputPath(`tab-${step}.png`) });
  }
  expect(errors).toEqual([]);
});

test('back and forward move between tabs, and between sessions opened with Load', async ({ page }) => {
  const session = new SessionPage(page);
  await page.goto(`/sessions/${first}/setup`);
  await session.expectOpen(first, 'setup');
  for (const step of ['generation', 'evaluation', 'report'] as const) {
    await session.clickTab(step);
    await session.expectOpen(first, step);
  }
  await page.goBack();
  await session.expectOpen(first, 'evaluation');
  await page.goBack();
  await session.expectOpen(first, 'generation');
  await page.goBack();
  await session.expectOpen(first, 'setup');
  await page.goForward();
  await session.expectOpen(first, 'generation');
  await page.goForward();
  await session.expectOpen(first, 'evaluation');

  // Load opens the other session at its current step; back returns to where this one was.
  await new Sidebar(page).load(copy);
  await session.expectOpen(copy, 'report');
  await page.goBack();
  await session.expectOpen(first, 'evaluation');
});

test('a copied URL opens the same view in a new browser context: the four tabs, the history and a comparison', async ({
  page,
  browser,
}, testInfo) => {
  const session = new SessionPage(page);
  await page.goto(`/sessions/${first}/report`);
  for (const step of STEP_SLUGS) {
    await session.clickTab(step);
    await session.expectOpen(first, step);
    const other = await inNewContext(browser, page.url());
    await new SessionPage(other).expectOpen(first, step);
    await other.context().close();
  }

  // The history.
  const sidebar = new Sidebar(page);
  await sidebar.openHistory();
  const history = await inNewContext(browser, page.url());
  await expect(history).toHaveURL('/sessions');
  await expect(history.getByTestId('history-view')).toBeVisible();
  // Each session's own row (a copy's row names the session it was copied from too), with its compare box.
  for (const id of [first, copy]) await expect(history.getByLabel(`Compare ${id}`, { exact: true })).toBeEnabled();
  await expect(new HistoryView(history).row(copy)).toContainText('my_lora.safetensors');
  await history.screenshot({ fullPage: true, path: testInfo.outputPath('sessions.png') });
  await history.context().close();

  // A comparison of the two, in the order ticked.
  await page.getByLabel(`Compare ${copy}`).check();
  await page.getByLabel(`Compare ${first}`).check();
  await page.getByRole('button', { name: 'Compare selected (2)' }).click();
  await expect(page).toHaveURL(`/compare?ids=${copy},${first}`);
  await expect(page.getByTestId('compare-chart')).toHaveCount(3);
  // The recommendations, one per session in the order of the URL (the charts' legends are lists too).
  const legend = async (p: Page) =>
    (await p.getByTestId('compare-view').locator(':scope > ul > li').allTextContents()).map((t) => t.split(' ')[0]);
  const compare = await inNewContext(browser, page.url());
  await expect(compare).toHaveURL(`/compare?ids=${copy},${first}`);
  await expect(compare.getByTestId('compare-chart')).toHaveCount(3);
  expect(await legend(compare)).toEqual([copy, first]);
  expect(await legend(compare)).toEqual(await legend(page));
  await compare.screenshot({ fullPage: true, path: testInfo.outputPath('compare.png') });
  await compare.context().close();
});

test('a step the session has not reached, an unknown step or no step opens the current step', async ({ page }, testInfo) => {
  const session = new SessionPage(page);
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Create a new session' })).toBeVisible();
  await page.screenshot({ fullPage: true, path: testInfo.outputPath('welcome.png') });
  const pending = await new Sidebar(page).newSession();
  await expect(page).toHaveURL(`/sessions/${pending}/setup`);

  for (const step of ['generation', 'evaluation', 'report']) {
    await page.goto(`/sessions/${pending}/${step}`);
    await expect(page).toHaveURL(`/sessions/${pending}/setup`);
    await expect(session.tab('setup')).toHaveAttribute('aria-selected', 'true');
    await expect(session.tab('report')).toBeDisabled();
  }
  await page.goto(`/sessions/${first}/results`);
  await session.expectOpen(first, 'report');
  await page.goto(`/sessions/${first}`);
  await session.expectOpen(first, 'report');
});

test('unsaved Setup edits ask before New navigates away: staying keeps the URL and the edits', async ({ page }) => {
  const sidebar = new Sidebar(page);
  await page.goto('/');
  const id = await sidebar.newSession();
  await new SetupTab(page).waitForComfy();
  await page.getByLabel('Metrics').fill('Sharpness');
  // The confirm blocks the click until it is answered, so the answer is given from the dialog handler.
  const asked: string[] = [];
  page.once('dialog', (dialog) => {
    asked.push(dialog.message());
    void dialog.dismiss();
  });
  await page.getByRole('button', { name: 'New', exact: true }).click();
  expect(asked).toEqual(['Setup has unsaved edits. Drop them and switch session?']);
  await expect(page).toHaveURL(`/sessions/${id}/setup`);
  await expect(page.getByLabel('Metrics')).toHaveValue('Sharpness');
  await expect(sidebar.currentSession()).toHaveText(id);
});
