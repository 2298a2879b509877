import { expect, type Page } from '@playwright/test';

/** Step 2: Generation. */
export class GenerationTab {
  constructor(private readonly page: Page) {}

  async waitUntilComplete(total: number): Promise<void> {
    const progress = this.page.getByTestId('generation-progress');
    await expect(progress).toContainText(`${total} / ${total} images (100%)`, { timeout: 120_000 });
    await expect(progress).toContainText('complete');
    await expect.poll(async () => (await this.thumbnailsShown()).size).toBe(total);
  }

  /**
   * The labels of every thumbnail the grids show, found by scrolling the window from top to bottom (the grids render
   * only the rows near the screen); leaves the window scrolled to the top.
   */
  async thumbnailsShown(): Promise<Set<string>> {
    const seen = new Set<string>();
    for (let y = 0; ;) {
      await this.page.evaluate((top) => window.scrollTo(0, top), y);
      // Rows follow a scroll at the next animation frame; two frames later they are in the DOM.
      await this.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      for (const alt of await this.page.locator('table.grid img.thumb').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt')))) {
        if (alt) seen.add(alt);
      }
      const { height, bottom } = await this.page.evaluate(() => ({
        height: window.innerHeight,
        bottom: window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1,
      }));
      if (bottom) break;
      y += height / 2;
    }
    await this.page.evaluate(() => window.scrollTo(0, 0));
    return seen;
  }

  async goToEvaluation(): Promise<void> {
    await this.page.getByRole('button', { name: 'Go to evaluation' }).click();
  }
}
