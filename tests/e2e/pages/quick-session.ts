import type { Page } from '@playwright/test';
import { GenerationTab } from './generation-tab';
import { SetupTab } from './setup-tab';
import { Sidebar } from './sidebar';

/** Setup of a small session: 1 prompt × 2 seeds × strengths 0 and 1 (6 images, 4 pairs: no repeat at 10%). */
export const QUICK = {
  checkpoint: 'v1-5-pruned-emaonly.safetensors',
  lora: 'my_lora.safetensors',
  strengths: '0, 1',
  seeds: '101, 202',
  metrics: 'Quality, Style',
  prompts: ['an old stone bridge over a river'],
};

/**
 * A new session of `setup` (default QUICK), generated: returns its id with the Generation tab open and complete
 * (`images`: how many it makes). `before` changes Setup further before the start.
 */
export async function generatedSession(
  page: Page,
  opts: { setup?: typeof QUICK; images?: number; before?: () => Promise<void> } = {},
): Promise<string> {
  const setup = new SetupTab(page);
  const id = await new Sidebar(page).newSession();
  await setup.waitForComfy();
  await setup.fill(opts.setup ?? QUICK);
  await opts.before?.();
  await setup.startGeneration();
  await new GenerationTab(page).waitUntilComplete(opts.images ?? 6);
  return id;
}
