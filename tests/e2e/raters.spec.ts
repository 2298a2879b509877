import { expect, test, type Page } from '@playwright/test';
import { E2E_SESSIONS_DIR } from '../../playwright.config';
import { auditResponse, blindMarkers } from '../helpers/blindness';
import { EvaluationTab } from './pages/evaluation-tab';
import { GenerationTab } from './pages/generation-tab';
import { generatedSession } from './pages/quick-session';
import { foldedSession } from '../helpers/folded-session';

const PAIRS = 4; // 1 prompt × 2 seeds × strengths 0 and 1

/**
 * Judges every pair behind a rater link on `page`, auditing the rendered screen (DOM, attributes, alt text) on each
 * pair, and checks that the browser that opened the link reaches none of the owner's routes.
 */
async function judgeAll(page: Page, id: string, link: string, keys: string[][]) {
  const session = await foldedSession(E2E_SESSIONS_DIR, id);
  const markers = blindMarkers(session);
  const evaluation = new EvaluationTab(page);
  await page.goto(link);
  for (let i = 0; i < PAIRS; i++) {
    await expect(evaluation.status()).toHaveText(`Pair ${i + 1} of ${PAIRS}`);
    const dom = await page.locator('main').innerHTML();
    expect(auditResponse(markers, `${link} pair ${i + 1} DOM`, { url: page.url(), headers: {}, body: dom })).toEqual([]);
    if (i === 0) {
      // Left better on the first metric, rated 3 of 5 with Shift+3: the rating goes to the metric chosen last.
      await page.keyboard.press('1');
      await page.keyboard.press('Shift+Digit3');
      await expect(page.locator('[aria-label$=": 3 of 5 better"][aria-pressed="true"]')).toHaveCount(1);
      await evaluation.judgeByKeyboard(i, PAIRS, ['2']);
      continue;
    }
    await evaluation.judgeByKeyboard(i, PAIRS, keys[i % keys.length]!);
  }
  await evaluation.expectComplete(PAIRS);
}

test('two raters score the same session by rater links; the report shows both and their kappa; the HTML export works offline', async ({
  page,
  context,
  browser,
}, testInfo) => {
  await page.goto('/');
  const id = await generatedSession(page);
  await new GenerationTab(page).goToEvaluation();

  const owner = new EvaluationTab(page);
  const alice = await owner.invite('alice');
  const bob = await owner.invite('bob');
  await page.screenshot({ path: testInfo.outputPath('0-invites.png') });

  // Alice rates on another machine: a browser of her own, which the link keeps to her screens.
  const elsewhere = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const alicePage = await elsewhere.newPage();
  await judgeAll(alicePage, id, alice, [
    ['1', '3'],
    ['2', '1'],
  ]);
  await alicePage.screenshot({ path: testInfo.outputPath('1-rater-done.png') });
  expect((await alicePage.request.get(`/api/sessions/${id}/report`)).status()).toBe(403);
  expect((await alicePage.request.get(`/api/sessions/${id}`)).status()).toBe(403);
  await alicePage.goto(`/sessions/${id}/report`);
  await expect(alicePage).toHaveURL(new RegExp(`${alice}$`));
  await elsewhere.close();

  // Bob rates on the owner's screen, in a tab of the owner's own browser, which stays the owner's.
  const bobPage = await context.newPage();
  await judgeAll(bobPage, id, bob, [
    ['1', '1'],
    ['3', '2'],
  ]);
  await bobPage.close();
  await expect(page.locator('[data-rater="bob"]')).toContainText('done', { timeout: 20_000 });
  await page.goto(`/sessions/${id}/report`);

  const saved = await foldedSession(E2E_SESSIONS_DIR, id);
  expect(saved.step_3_evaluation.scores.filter((s) => s.rating === 3)).toHaveLength(2);
  expect(new Set(saved.step_3_evaluation.scores.map((s) => s.rater))).toEqual(new Set(['alice', 'bob']));
  await expect(page.getByTestId('agreement')).toContainText("Fleiss' kappa");
  await expect(page.getByTestId('raters')).toContainText('alice');
  await expect(page.getByTestId('raters')).toContainText('bob');
  await expect(page.getByTestId('reveal-all').getByTestId('reveal-item')).toHaveCount(PAIRS);
  const reportShot = testInfo.outputPath('2-report-two-raters.png');
  await page.screenshot({ fullPage: true, path: reportShot });

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Report (HTML, offline)' }).click();
  const html = testInfo.outputPath('report.html');
  await (await download).saveAs(html);
  const offline = await context.newPage();
  await context.setOffline(true);
  const requests: string[] = [];
  offline.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
  });
  await offline.goto(`file://${html}`);
  await expect(offline.locator('svg').first()).toBeVisible();
  await expect(offline.locator('body')).toContainText('an old stone bridge over a river');
  expect(requests).toEqual([]);
  await offline.screenshot({ fullPage: true, path: testInfo.outputPath('3-html-export.png') });
  await context.setOffline(false);
});
