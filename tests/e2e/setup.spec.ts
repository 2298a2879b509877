import { expect, test } from '@playwright/test';
import { SetupTab } from './pages/setup-tab';
import { Sidebar } from './pages/sidebar';

test('setup: LoRA metadata gives trigger words, 4 prompts generated offline, Quick preset with an estimate', async ({ page }, testInfo) => {
  const sidebar = new Sidebar(page);
  await page.goto('/');
  await sidebar.newSession();
  await new SetupTab(page).waitForComfy();

  // Samplers come from the server's /object_info/KSampler.
  await expect(page.getByLabel('Sampler', { exact: true }).locator('option')).toContainText(['euler', 'dpmpp_2m']);

  await page.getByLabel('Checkpoint').selectOption('v1-5-pruned-emaonly.safetensors');
  await page.getByLabel('LoRA file').selectOption('watercolor_style_v1.safetensors');
  const suggestions = page.getByTestId('trigger-suggestions');
  await expect(suggestions).toBeVisible();
  await page.getByRole('button', { name: 'Use as trigger words' }).click();
  const trigger = await page.getByLabel('Trigger words').inputValue();
  expect(trigger.length).toBeGreaterThan(0);
  expect(await suggestions.innerText()).toContain(trigger.split(', ')[0]!);

  await page.getByLabel('Brief').fill('portraits in varied lighting');
  await page.getByLabel('How many').fill('4');
  await page.getByLabel('Offline generator').check();
  await page.getByRole('button', { name: 'Generate prompts' }).click();
  await expect(page.getByTestId('generated-prompts').getByRole('textbox')).toHaveCount(4);
  await page.getByRole('button', { name: 'Use these prompts' }).click();
  for (let i = 1; i <= 4; i++) await expect(page.getByLabel(`Prompt ${i} positive`)).not.toHaveValue('');

  await page.getByRole('button', { name: 'Quick', exact: true }).click();
  await expect(page.getByLabel('LoRA strengths')).toHaveValue('0, 1');
  const summary = page.getByTestId('plan-summary');
  await expect(summary).toContainText('1 prompts × 2 seeds × (baseline + 2 strengths) = 6 images');
  await expect(summary).toContainText(/about \d+ s of GPU time/);
  await expect(page.getByRole('button', { name: 'Save and start generation' })).toBeEnabled();
  await page.screenshot({ fullPage: true, path: testInfo.outputPath('setup.png') });
});
