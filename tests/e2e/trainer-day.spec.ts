import { expect, test, type Browser, type Page } from '@playwright/test';
import { E2E_SESSIONS_DIR } from '../../playwright.config';
import { foldedSession } from '../helpers/folded-session';
import { checkScreen } from './pages/axe';
import { EvaluationTab } from './pages/evaluation-tab';
import { QUICK, generatedSession } from './pages/quick-session';
import { Sidebar } from './pages/sidebar';

// Issue 16, points 1, 2 and 10 walked as a trainer's day goes: three raters by link, one finishes, two start and go
// idle; the owner reads the interim report, pauses and resumes one, removes both (judgments kept for one, dropped
// for the other) and compares the counts of Evaluation, the report and All sessions. Screenshots in NOTES_DIR.

// 1 prompt × 3 seeds × strengths 0 and 1, a fifth of the pairs repeated: per rater 3 direct pairs, 3 placebos and 1
// repeat (a fifth of the 3 non-placebo pairs, rounded), 7 screens.
const SETUP = { ...QUICK, seeds: '101, 202, 303' };
const PAIRS = 6;
const SCREENS = 7;

/** A browser of the rater's own with their link open, at pair 1. */
async function raterBrowser(browser: Browser, baseURL: string | undefined, link: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await page.goto(link);
  await expect(new EvaluationTab(page).status()).toHaveText(`Pair 1 of ${SCREENS}`);
  return page;
}

/** Judges screens `from` to `to` (0-based, `to` excluded) by keyboard: left better, then tie. */
async function judge(page: Page, from: number, to: number): Promise<void> {
  const evaluation = new EvaluationTab(page);
  for (let i = from; i < to; i++) await evaluation.judgeByKeyboard(i, SCREENS, ['1', '2']);
}

test('an idle rater locks nothing: interim report, per-rater progress, pause and resume, removal with judgments kept or dropped', async ({
  page,
  browser,
}, testInfo) => {
  const baseURL = testInfo.project.use.baseURL;
  const rater = (name: string) => page.locator(`[data-rater="${name}"]`);
  await page.goto('/');
  const id = await generatedSession(page, {
    setup: SETUP,
    images: 9,
    before: () =>
      page
        .getByLabel('Repeated pairs (self-consistency)')
        .selectOption('0.2')
        .then(() => undefined),
  });
  await page.getByRole('button', { name: 'Go to evaluation' }).click();
  const owner = new EvaluationTab(page);
  const links = { alice: await owner.invite('alice'), bob: await owner.invite('bob'), carol: await owner.invite('carol') };
  for (const name of Object.keys(links)) await expect(rater(name)).toContainText(`not started (${PAIRS} pairs + 1 repeat)`);

  // Point 2: the Report is open while raters are still at it, its figures marked interim.
  const alice = await raterBrowser(browser, baseURL, links.alice);
  await judge(alice, 0, 3);
  await page.getByRole('tab', { name: '4. Report' }).click();
  await expect(page).toHaveURL(`/sessions/${id}/report`);
  const interim = page.getByTestId('interim');
  await expect(interim).toContainText('Interim: evaluation is not finished');
  await expect(interim).toContainText('(still rating: alice, bob, carol), so these figures will change');
  // Alice's repeat may be among her first three screens (it comes some time after its original): it is not counted.
  const order = (await foldedSession(E2E_SESSIONS_DIR, id)).step_3_evaluation.raters.find((r) => r.name === 'alice')!.order;
  const repeats = order.slice(0, 3).filter((p) => p.repeat).length;
  await expect(page.getByTestId('report-counts')).toHaveText(
    `${3 - repeats} of ${PAIRS} pairs judged · ${(3 - repeats) * 2} verdicts counted` +
      (repeats ? ` (${repeats * 2} more stored on repeated pairs or replaced, not counted)` : ''),
  );
  await expect(page.getByTestId('recommendation')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Report (HTML, offline)' })).toHaveCount(0);
  await checkScreen(page, '50-interim-report');

  // Point 1: alice finishes, bob and carol judge one screen each and go idle. The owner sees where each stands.
  await judge(alice, 3, SCREENS);
  await new EvaluationTab(alice).expectComplete(SCREENS);
  await alice.context().close();
  const bob = await raterBrowser(browser, baseURL, links.bob);
  await judge(bob, 0, 1);
  const carol = await raterBrowser(browser, baseURL, links.carol);
  await judge(carol, 0, 1);
  await carol.context().close();
  await page.getByRole('tab', { name: '3. Evaluation' }).click();
  await expect(rater('alice')).toContainText(`done, all ${PAIRS} pairs + 1 repeat`);
  for (const name of ['bob', 'carol']) await expect(rater(name)).toContainText(`1 of ${SCREENS} (${PAIRS} pairs + 1 repeat)`);
  await checkScreen(page, '51-idle-raters-progress');
  await page.getByRole('tab', { name: '4. Report' }).click();
  await expect(page.getByTestId('interim')).toContainText('still rating: bob, carol');
  await checkScreen(page, '52-interim-report-idle-raters');

  // Paused, bob's screen says so and takes no judgment; resumed, he goes on where he stopped.
  await page.getByRole('tab', { name: '3. Evaluation' }).click();
  await page.getByRole('button', { name: 'Pause bob' }).click();
  await expect(rater('bob')).toContainText(`paused after 1 of ${SCREENS}`);
  await expect(page.getByRole('status').filter({ hasText: 'bob paused.' })).toBeAttached();
  await bob.reload();
  await expect(new EvaluationTab(bob).status()).toHaveText(`Paused after 1 of ${SCREENS} pairs.`);
  await expect(bob.getByRole('img', { name: 'Left image' })).toHaveCount(0);
  await checkScreen(bob, '53-rater-paused');
  await page.getByRole('button', { name: 'Resume bob' }).click();
  await expect(rater('bob')).toContainText(`1 of ${SCREENS} (`);
  await bob.getByRole('button', { name: 'Check again' }).click();
  await expect(new EvaluationTab(bob).status()).toHaveText(`Pair 2 of ${SCREENS}`);
  await bob.context().close();

  // Removal, by choice: carol's judgments are kept, bob's dropped. Evaluation then waits for nobody.
  await page.getByRole('button', { name: 'Remove… carol' }).click();
  const choice = page.getByRole('group', { name: 'Remove carol' });
  await expect(choice.getByRole('button', { name: 'Keep their judgments' })).toBeFocused();
  await expect(choice.getByRole('button', { name: 'Drop their judgments' })).toBeVisible();
  await checkScreen(page, '54-remove-rater-choice');
  await choice.getByRole('button', { name: 'Keep their judgments' }).click();
  await expect(rater('carol')).toContainText(`removed after 1 of ${SCREENS} (${PAIRS} pairs + 1 repeat), judgments kept`);
  await page.getByRole('button', { name: 'Remove… bob' }).click();
  await page.getByRole('group', { name: 'Remove bob' }).getByRole('button', { name: 'Drop their judgments' }).click();
  await expect(rater('bob')).toContainText('judgments dropped');
  await expect(new Sidebar(page).currentStep()).toContainText('Step 4');
  await checkScreen(page, '55-raters-removed');

  const saved = await foldedSession(E2E_SESSIONS_DIR, id);
  const scoresOf = (name: string) => saved.step_3_evaluation.scores.filter((s) => s.rater === name).length;
  expect([scoresOf('alice'), scoresOf('bob'), scoresOf('carol')]).toEqual([SCREENS * 2, 0, 2]);

  // The final report counts alice's and carol's verdicts, not bob's, and not the repeat: the same words and numbers
  // as All sessions (point 10).
  await page.getByRole('tab', { name: '4. Report' }).click();
  await expect(page.getByTestId('recommendation')).toBeVisible();
  await expect(page.getByTestId('interim')).toHaveCount(0);
  await expect(page.getByTestId('raters')).toContainText('carol');
  await expect(page.getByTestId('raters')).not.toContainText('bob');
  const counted = PAIRS * 2 + 2; // alice's verdicts on her 6 pairs (her repeat's 2 not counted), carol's on her first pair
  const counts = page.getByTestId('report-counts');
  await expect(counts).toHaveText(
    `${PAIRS} of ${PAIRS} pairs judged (the pairs of every rater's order, each once) · ${counted} verdicts counted (2 more stored on repeated pairs or replaced, not counted)`,
  );
  await checkScreen(page, '56-final-report-counts');
  await new Sidebar(page).openHistory();
  const row = page.getByTestId('history-row').filter({ hasText: id });
  const column = await page.getByRole('columnheader').allTextContents();
  await expect(row.getByRole('cell').nth(column.indexOf('Verdicts counted'))).toHaveText(String(counted));
  await row.getByRole('button', { name: 'Details' }).click();
  const details = page.getByTestId('session-details');
  await expect(details).toContainText(`${counted} verdicts counted (2 more stored on repeated pairs or replaced, not counted)`);
  await expect(details).toContainText(`alice: done, all ${PAIRS} pairs + 1 repeat`);
  await checkScreen(page, '57-history-counts');
});
