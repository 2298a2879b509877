import { expect, type Page } from '@playwright/test';

/** Step 2: Generation. */
export class GenerationTab {
  constructor(private readonly page: Page) {}

  async waitUntilComplete(total: number): Promise<void> {
    const progress = this.page.getByTestId('generation-progress');
    await expect(progress).toContainText(`${total} / ${total} images (100%)`, { timeout: 120_000 });
    await expect(progress).toContainText('complete');
    await expect(this.page.locator('table.grid img')).toHaveCount(total);
  }

  async goToEvaluation(): Promise<void> {
    await this.page.getByRole('button', { name: 'Go to evaluation' }).click();
  }
}
