import { expect, type Page } from '@playwright/test';

/** The Log view of a session (`/sessions/:id/log`). */
export class LogView {
  constructor(private readonly page: Page) {}

  readonly summary = () => this.page.getByTestId('log-summary');
  readonly lines = () => this.page.getByTestId('log-line');

  /** Opens it from the sidebar's link. */
  async openFromSidebar(): Promise<void> {
    await this.page.getByRole('link', { name: 'Log: what happened, when' }).click();
    await expect(this.page.getByRole('heading', { name: /^Log of / })).toBeVisible();
  }

  /** The words of every line shown, in order. */
  async texts(): Promise<string[]> {
    return this.lines().locator('td:nth-child(3)').allTextContents();
  }
}
