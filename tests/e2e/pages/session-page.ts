import { expect, type Page } from '@playwright/test';

/** The tab names of the four steps, by their URL segment. */
export const STEP_TABS = { setup: '1. Setup', generation: '2. Generation', evaluation: '3. Evaluation', report: '4. Report' } as const;
export type StepSlug = keyof typeof STEP_TABS;
export const STEP_SLUGS = Object.keys(STEP_TABS) as StepSlug[];

/** A session's page: its URL, its tabs and what each tab shows of a finished session. */
export class SessionPage {
  constructor(private readonly page: Page) {}

  tab(step: StepSlug) {
    return this.page.getByRole('tab', { name: STEP_TABS[step] });
  }

  async clickTab(step: StepSlug): Promise<void> {
    await this.tab(step).click();
  }

  /**
   * The page shows session `id` at `step`: the URL, the selected tab (and only it), the sidebar's current session, and
   * content only that tab has (checked for a session whose evaluation is finished).
   */
  async expectOpen(id: string, step: StepSlug): Promise<void> {
    const p = this.page;
    await expect(p).toHaveURL(`/sessions/${id}/${step}`);
    for (const s of STEP_SLUGS) await expect(this.tab(s)).toHaveAttribute('aria-selected', String(s === step));
    await expect(p.getByTestId('current-session')).toHaveText(id);
    const panel = p.getByRole('tabpanel', { name: STEP_TABS[step] });
    await expect(panel).toBeVisible();
    if (step === 'setup') await expect(panel.getByText('Generation has started, so Setup is read-only')).toBeVisible();
    if (step === 'generation') await expect(panel.getByTestId('generation-progress')).toContainText('complete');
    if (step === 'evaluation') await expect(panel.getByRole('heading', { name: 'Rate on this screen' })).toBeVisible();
    if (step === 'report') await expect(panel.getByTestId('recommendation')).toBeVisible();
  }
}
