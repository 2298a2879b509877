import { expect, type Page } from '@playwright/test';

/** Step 3: blind A/B evaluation, driven by keyboard only. */
export class EvaluationTab {
  constructor(private readonly page: Page) {}

  readonly status = () => this.page.getByTestId('evaluation-status');

  /** Starts (or continues) as rater `name`. */
  async startAs(name: string): Promise<void> {
    await this.page.getByLabel('Rater name').fill(name);
    await this.page.getByRole('button', { name: 'Start evaluating' }).click();
  }

  /** Invites rater `name` and returns the path of their rater link, as the raters table shows it. */
  async invite(name: string): Promise<string> {
    await this.page.getByLabel('Name of the rater to invite').fill(name);
    await this.page.getByRole('button', { name: 'Make a rater link' }).click();
    const field = this.page.getByLabel(`Rater link of ${name}`);
    await expect(field).toHaveValue(/\/rate\/\d{8}_\d{6}-[a-f0-9]{32}$/);
    return new URL(await field.inputValue()).pathname;
  }

  /** Judges pair `index` (0-based) of `total` with one key per metric, then Enter. */
  async judgeByKeyboard(index: number, total: number, keys: string[]): Promise<void> {
    await expect(this.status()).toHaveText(`Pair ${index + 1} of ${total}`);
    await expect(this.page.getByRole('img', { name: 'Left image' })).toBeVisible();
    for (const key of keys) await this.page.keyboard.press(key);
    await this.page.keyboard.press('Enter');
    if (index + 1 < total) await expect(this.status()).toHaveText(`Pair ${index + 2} of ${total}`);
  }

  /** The notice shown when another tab of the same rater moved on and this screen's answer was refused. */
  readonly staleNotice = () => this.page.getByTestId('stale-pair');

  async loadCurrentPair(): Promise<void> {
    await this.staleNotice().getByRole('button', { name: 'Load current pair' }).click();
    await expect(this.staleNotice()).toBeHidden();
  }

  async expectComplete(total: number): Promise<void> {
    await expect(this.status()).toHaveText(`Evaluation complete: all ${total} pairs judged.`);
  }
}
