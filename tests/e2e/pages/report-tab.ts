import { expect, type Page } from '@playwright/test';

/** Step 4: Report. */
export class ReportTab {
  constructor(private readonly page: Page) {}

  async expectReport(pairs: number): Promise<void> {
    await expect(this.page.getByTestId('recommendation')).toBeVisible();
    await expect(this.page.getByTestId('dose-response-chart').first().locator('svg.recharts-surface')).toBeVisible();
    await expect(this.page.getByTestId('reveal-all').getByTestId('reveal-item')).toHaveCount(pairs);
  }
}
