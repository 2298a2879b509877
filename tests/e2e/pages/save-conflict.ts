import { expect, type Page } from '@playwright/test';

/** The banner above the tabs after a Setup save met a newer save from another tab: Reload / Save mine as new. */
export class SaveConflict {
  constructor(private readonly page: Page) {}

  readonly banner = () => this.page.getByRole('alert').filter({ hasText: 'changed in another tab or window' });

  /** Reload: the stored session replaces this tab's unsaved edits, and the banner goes away. */
  async reload(): Promise<void> {
    await this.banner().getByRole('button', { name: 'Reload' }).click();
    await expect(this.banner()).toBeHidden();
  }
}
