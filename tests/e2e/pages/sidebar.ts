import { expect, type Page } from '@playwright/test';

/** The sidebar: current session, New / Save / Load. */
export class Sidebar {
  constructor(private readonly page: Page) {}

  readonly comfySource = () => this.page.getByTestId('comfy-source');
  readonly currentSession = () => this.page.getByTestId('current-session');
  readonly currentStep = () => this.page.getByTestId('current-step');

  async newSession(): Promise<string> {
    const before = (await this.currentSession().count()) ? await this.currentSession().textContent() : null;
    await this.page.getByRole('button', { name: 'New', exact: true }).click();
    await expect(this.currentSession()).not.toHaveText(before ?? '');
    return (await this.currentSession().textContent())!.trim();
  }

  readonly saveStatus = () => this.page.getByTestId('save-status');

  /** Presses Save without expecting it to succeed (see `save`). */
  async pressSave(): Promise<void> {
    await this.page.getByRole('button', { name: /^(Save|Saving…|Saved)$/ }).click();
  }

  async save(): Promise<void> {
    await this.pressSave();
    await expect(this.page.getByRole('button', { name: 'Saved' })).toBeVisible();
  }

  async setNotes(text: string): Promise<void> {
    await this.page.getByLabel('Notes').fill(text);
    await this.page.getByLabel('Notes').blur();
  }

  async filter(text: string): Promise<void> {
    await this.page.getByLabel('Filter sessions').fill(text);
  }

  async relaunch(): Promise<void> {
    await this.page.getByRole('button', { name: 'Relaunch' }).click();
  }

  async openHistory(): Promise<void> {
    await this.page
      .getByRole('complementary', { name: 'Sessions' })
      .getByRole('link', { name: /All sessions/ })
      .click();
    await expect(this.page).toHaveURL('/sessions');
    await expect(this.page.getByTestId('history-view')).toBeVisible();
  }

  async loadOptions(): Promise<string[]> {
    return this.page.locator('#load-select option').allTextContents();
  }

  async load(sessionId: string): Promise<void> {
    await this.page.getByLabel('Load').selectOption(sessionId);
    await this.page.getByRole('button', { name: 'Load selected' }).click();
    await expect(this.currentSession()).toHaveText(sessionId);
  }
}
