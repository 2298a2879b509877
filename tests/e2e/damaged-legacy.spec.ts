import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { E2E_SESSIONS_DIR } from '../../playwright.config';
import { HistoryView } from './pages/history-view';
import { Sidebar } from './pages/sidebar';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/legacy-v2/20240115_143022');
const LEGACY = '20240115_143022';
const DAMAGED = '20230101_000000';

test('an original-tool folder is migrated only when loaded; a damaged folder says what is wrong and can be deleted', async ({
  page,
}, testInfo) => {
  const shot = async (name: string) =>
    testInfo.attach(name, {
      body: await page.screenshot({ fullPage: true, path: testInfo.outputPath(`${name}.png`) }),
      contentType: 'image/png',
    });
  await cp(FIXTURE, path.join(E2E_SESSIONS_DIR, LEGACY), { recursive: true });
  await mkdir(path.join(E2E_SESSIONS_DIR, DAMAGED, 'output'), { recursive: true });
  await writeFile(
    path.join(E2E_SESSIONS_DIR, DAMAGED, 'session_meta.json'),
    '{"schema_version": 2, "session_id": "20230101_000000", "revis',
  );
  const legacyFiles = async () => (await readdir(path.join(E2E_SESSIONS_DIR, LEGACY), { recursive: true })).map(String).sort();
  const before = await legacyFiles();

  const sidebar = new Sidebar(page);
  await page.goto('/');
  // Listed (and shown in the history) without a byte written to the original folder.
  await expect(page.locator('#load-select option', { hasText: `${LEGACY} - my_lora.safetensors` })).toHaveCount(1);
  await sidebar.openHistory();
  const history = new HistoryView(page);
  await expect(history.row(DAMAGED)).toContainText('Damaged: session_meta.json of 20230101_000000 is not valid JSON');
  expect(await legacyFiles()).toEqual(before);

  await history.row(DAMAGED).getByRole('button', { name: 'Details' }).click();
  const details = page.getByTestId('damaged-details');
  await expect(details).toContainText(`sessions/${DAMAGED}/session_meta.json`);
  await expect(details).toContainText('the file as a whole');
  await shot('damaged-details');
  await history.delete(DAMAGED);
  await expect(page.getByRole('button', { name: `Restore ${DAMAGED}` })).toBeVisible();

  // Its URL opened directly (a bookmark) offers the migration and writes nothing until asked.
  await page.goto(`/sessions/${LEGACY}/evaluation`);
  await expect(page.getByTestId('needs-migration')).toContainText('written by the original LoRA tool');
  await expect(page.getByRole('button', { name: 'Migrate and open' })).toBeVisible();
  expect(await legacyFiles()).toEqual(before);
  await shot('needs-migration');

  // Load (the sidebar is on every page) migrates it and opens it at its step: its 7 judgments are there,
  // evaluation continues at pair 3 of 4.
  await sidebar.load(LEGACY);
  await expect(page).toHaveURL(`/sessions/${LEGACY}/evaluation`);
  await expect(sidebar.currentStep()).toContainText('Evaluation');
  expect(await legacyFiles()).toContain('session_meta.v1.json');
  expect(await legacyFiles()).toContain(path.join('output', 'baseline_0_0.png'));
  await shot('legacy-loaded');
});
