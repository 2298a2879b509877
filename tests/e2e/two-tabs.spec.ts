import { expect, test, type Page } from '@playwright/test';
import type { Session } from '../../lib/sessions/schema';
import { E2E_SESSIONS_DIR } from '../../playwright.config';
import { EvaluationTab } from './pages/evaluation-tab';
import { GenerationTab } from './pages/generation-tab';
import { SaveConflict } from './pages/save-conflict';
import { SetupTab } from './pages/setup-tab';
import { Sidebar } from './pages/sidebar';
import { foldedSession } from '../helpers/folded-session';

/** The session as its session_meta.json holds it, once the app has folded its event log in. */
async function onDisk(id: string): Promise<Session> {
  return await foldedSession(E2E_SESSIONS_DIR, id);
}

/** Opens the app in `page` on session `id`, from the Load dropdown. */
async function openSession(page: Page, id: string): Promise<void> {
  await page.goto('/');
  await new Sidebar(page).load(id);
}

test("two tabs on one session: a stale Setup save gets the conflict banner, Reload shows the other tab's save, saving works again", async ({
  page: a,
  context,
}, testInfo) => {
  const sidebarA = new Sidebar(a);
  await a.goto('/');
  const id = await sidebarA.newSession();
  await new SetupTab(a).waitForComfy();

  const b = await context.newPage();
  await openSession(b, id);
  const sidebarB = new Sidebar(b);
  await new SetupTab(b).waitForComfy();
  const putsB: string[] = [];
  b.on('request', (r) => r.method() === 'PUT' && putsB.push(r.url()));

  // Tab A saves first.
  await a.getByLabel('Metrics').fill('Sharpness, Mood');
  await sidebarA.save();

  // Tab B, still on the revision it loaded, saves its own edit: refused, and the banner says why and what to do.
  await b.getByLabel('Metrics').fill('Colour, Detail');
  await sidebarB.pressSave();
  const conflict = new SaveConflict(b);
  await expect(conflict.banner()).toBeVisible();
  await expect(conflict.banner()).toContainText("drops this tab's unsaved Setup edits");
  await expect(conflict.banner().getByRole('button', { name: 'Reload' })).toBeVisible();
  await expect(conflict.banner().getByRole('button', { name: 'Save mine as new' })).toBeVisible();
  await expect(sidebarB.saveStatus()).toHaveText('Not saved: changed in another tab');
  await expect(b.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
  await testInfo.attach('save-conflict', {
    body: await b.screenshot({ fullPage: true, path: testInfo.outputPath('save-conflict.png') }),
    contentType: 'image/png',
  });

  // Nothing retries while the conflict is open: neither autosave (2 s idle) nor Ctrl+S.
  const putsAtConflict = putsB.length;
  await b.getByLabel('Metrics').fill('Colour, Detail, Light');
  await b.keyboard.press('Control+s');
  await b.waitForTimeout(3_000);
  expect(putsB).toHaveLength(putsAtConflict);
  expect((await onDisk(id)).step_1_setup.metrics).toEqual(['Sharpness', 'Mood']);

  // Reload: A's values, no banner, and the next edit in B saves.
  await conflict.reload();
  await expect(b.getByLabel('Metrics')).toHaveValue('Sharpness, Mood');
  await expect(sidebarB.saveStatus()).toHaveText('All changes saved');
  await b.getByLabel('LoRA strengths').fill('0.5, 1');
  await sidebarB.save();
  const saved = await onDisk(id);
  expect(saved.step_1_setup.metrics).toEqual(['Sharpness', 'Mood']);
  expect(saved.step_1_setup.weight_range).toEqual([0.5, 1]);
  await expect(conflict.banner()).toBeHidden();
});

test('two tabs of one rater: a judgment the other tab already made is refused and the tab offers the current pair', async ({
  page: a,
  context,
}, testInfo) => {
  const setup = new SetupTab(a);
  await a.goto('/');
  const id = await new Sidebar(a).newSession();
  await setup.waitForComfy();
  await setup.fill({
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora: 'my_lora.safetensors',
    strengths: '1',
    seeds: '11, 22',
    metrics: 'Quality',
    prompts: ['a red bicycle against a brick wall'],
  });
  await setup.startGeneration();
  await new GenerationTab(a).waitUntilComplete(4);
  await new GenerationTab(a).goToEvaluation();
  const evalA = new EvaluationTab(a);
  await evalA.startAs('carol');

  const b = await context.newPage();
  await openSession(b, id);
  const evalB = new EvaluationTab(b);
  await evalB.startAs('carol');
  await expect(evalB.status()).toHaveText('Pair 1 of 2');

  await evalA.judgeByKeyboard(0, 2, ['1']);

  // B still shows pair 1: its answer is refused (409) and it offers the current pair instead of a dead end.
  await expect(b.getByRole('img', { name: 'Left image' })).toBeVisible();
  await b.keyboard.press('3');
  await b.keyboard.press('Enter');
  await expect(evalB.staleNotice()).toBeVisible();
  await expect(evalB.staleNotice()).toHaveAttribute('role', 'alert');
  await expect(b.getByRole('button', { name: 'Submit (Enter)' })).toBeDisabled();
  await expect(b.getByRole('button', { name: 'Undo last (U)' })).toBeDisabled();
  await testInfo.attach('stale-pair', {
    body: await b.screenshot({ fullPage: true, path: testInfo.outputPath('stale-pair.png') }),
    contentType: 'image/png',
  });
  await evalB.loadCurrentPair();
  await evalB.judgeByKeyboard(1, 2, ['2']);
  await evalB.expectComplete(2);

  // Pair 1 keeps A's verdict (left), pair 2 has B's (tie): one score per pair, nothing doubled.
  const scores = (await onDisk(id)).step_3_evaluation.scores.filter((s) => s.rater === 'carol');
  expect(scores).toHaveLength(2);
  expect(scores.map((s) => s.winner)).toContain('tie');
  expect(scores.filter((s) => s.winner !== 'tie')).toHaveLength(1);
});
