import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * Where the walkthroughs leave their screenshots, one per state, for a person to look at: E2E_SHOTS_DIR, else the
 * repository's `test-results/screens` (whatever the working directory; Playwright makes the folder, and empties
 * test-results at the start of every run).
 */
export const NOTES_DIR = path.resolve(
  process.env.E2E_SHOTS_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../test-results/screens'),
);

/**
 * WCAG 2.5.3 Label in Name: a control's visible label is part of its accessible name. axe-core's rule for it,
 * `label-content-name-mismatch`, is tagged experimental (axe-core 4.11 up to the 4.13 that @axe-core/playwright
 * bundles), so a tag selection leaves it out unless it is switched on by name.
 */
const EXPERIMENTAL_RULES = { 'label-content-name-mismatch': { enabled: true } };

/**
 * The serious and critical violations axe-core finds on the page as it stands, against WCAG 2.0/2.1 A and AA (with
 * the experimental label-in-name rule), each as "rule: target (summary)" so a failure names what to fix. Lesser
 * impacts (moderate, minor) are not counted.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  // options() replaces the option object, so it comes before withTags(), which adds runOnly to it.
  const result = await new AxeBuilder({ page })
    .options({ rules: EXPERIMENTAL_RULES })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const ran = [...result.passes, ...result.violations, ...result.incomplete, ...result.inapplicable].map((r) => r.id);
  expect(ran, 'axe ran the label-in-name rule').toContain('label-content-name-mismatch');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary?.split('\n').slice(0, 2).join(' ') ?? v.help})`),
    );
}

/** Checks the page with axe-core (0 serious or critical violations) and saves a screenshot named `name`. */
export async function checkScreen(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: `${NOTES_DIR}/${name}.png`, fullPage: opts.fullPage ?? true });
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

/** How far the page reaches past the window's right edge, in CSS px (0: no sideways scrolling). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * With README_SHOTS_DIR set, saves what the window shows as `<name>.png` there, 1000 px wide with a palette (the
 * README's screenshots, public/readme/); otherwise does nothing.
 */
export async function readmeShot(page: Page, name: string): Promise<void> {
  const dir = process.env.README_SHOTS_DIR;
  if (!dir) return;
  const sharp = (await import('sharp')).default;
  const shot = await page.screenshot();
  await sharp(shot).resize({ width: 1000 }).png({ palette: true, compressionLevel: 9 }).toFile(`${dir}/${name}.png`);
}
