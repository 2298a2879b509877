import { expect, type Page } from '@playwright/test';

/** Step 1: Setup. */
export class SetupTab {
  constructor(private readonly page: Page) {}

  async waitForComfy(): Promise<void> {
    await expect(this.page.getByTestId('comfy-status')).toContainText('Connected');
  }

  async fill(opts: { checkpoint: string; lora: string; strengths: string; seeds: string; metrics: string; prompts: string[] }) {
    const p = this.page;
    await p.getByLabel('Checkpoint').selectOption(opts.checkpoint);
    await p.getByLabel('LoRA file').selectOption(opts.lora);
    await p.getByLabel('LoRA strengths').fill(opts.strengths);
    await p.getByLabel('Seeds', { exact: true }).fill(opts.seeds);
    await p.getByLabel('Metrics').fill(opts.metrics);
    for (const [i, text] of opts.prompts.entries()) {
      await p.getByRole('button', { name: 'Add prompt' }).click();
      await p.getByLabel(`Prompt ${i + 1} positive`).fill(text);
    }
  }

  async startGeneration(): Promise<void> {
    await this.page.getByRole('button', { name: 'Save and start generation' }).click();
  }
}
