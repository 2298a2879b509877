import { expect, type Download, type Page } from '@playwright/test';

/** The session history: list, export, delete, import, trash. */
export class HistoryView {
  constructor(private readonly page: Page) {}

  row(sessionId: string) {
    return this.page.getByTestId('history-row').filter({ hasText: sessionId });
  }

  async exportZip(sessionId: string): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('link', { name: `Export .zip of ${sessionId}` }).click();
    return download;
  }

  /** Deletes after accepting the confirm, which must name the session; focus then goes to the list's heading. */
  async delete(sessionId: string): Promise<void> {
    this.page.once('dialog', (d) => {
      expect(d.message()).toContain(sessionId);
      void d.accept();
    });
    await this.page.getByRole('button', { name: `Delete ${sessionId}` }).click();
    await expect(this.row(sessionId)).toHaveCount(0);
    await expect(this.page.getByRole('heading', { name: 'All sessions', level: 1 })).toBeFocused();
    await expect(this.page.getByRole('status')).toContainText(`Session ${sessionId} moved to the trash.`);
  }

  async importZip(file: string): Promise<void> {
    await this.page.getByLabel('Import a session .zip').setInputFiles(file);
  }
}
