import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ReportTabView } from '@/app/_components/report-tab-view';
import { applyJudgment, type Choice } from '@/lib/evaluation/blind';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { renderReportHtml } from '@/lib/report/html';
import { ClientReportSchema } from '@/lib/report/schema';
import { reportForClient } from '@/lib/report/service';
import { similarityOf } from '@/lib/report/similarity';
import { raterAddedEvent } from '@/lib/evaluation/raters';
import { applyEvent } from '@/lib/sessions/events';
import type { Session } from '@/lib/sessions/schema';
import { generatedSession } from '../../helpers/generated-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';

tempSessionsDir();

let n = 0;
const token = () => (n++).toString(16).padStart(32, '0');

/** Every optional part of the report present: repeated pairs, a placebo strength, two raters, a complete evaluation. */
function fullSession(): Session {
  const s = generatedSession();
  s.step_2_generation.shuffled_results = makeBlindPairs(s.session_id, s.step_2_generation.results, token, 0.25, 'direct');
  s.step_2_generation.shuffled_results.forEach((p, i) => {
    const lora: Choice = p.left === 'lora' ? 'left' : 'right';
    const choice: Choice = p.strength === 1 ? lora : i % 3 === 0 ? 'tie' : i % 2 ? 'left' : 'right';
    applyJudgment(s, { index: i, choices: { Quality: choice, Style: lora, Coherence: 'left' } }, 'now');
  });
  // A second rater on the first pairs, for the raters table and kappa.
  const ev = s.step_3_evaluation;
  ev.scores.push(...ev.scores.slice(0, 12).map((x, i) => ({ ...x, rater: 'bob', winner: i % 4 ? x.winner : ('tie' as const) })));
  s.notes = 'judged twice';
  return s;
}

interface Outline {
  /** Section headings, in order. */
  headings: string[];
  /** data-testid → how often it occurs. */
  testIds: Map<string, number>;
  /** Table data-testid → its column headings. */
  columns: Map<string, string[]>;
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

function outline(html: string): Outline {
  const testIds = new Map<string, number>();
  for (const m of html.matchAll(/data-testid="([^"]+)"/g)) testIds.set(m[1]!, (testIds.get(m[1]!) ?? 0) + 1);
  const columns = new Map<string, string[]>();
  for (const m of html.matchAll(
    /<table[^>]*data-testid="([^"]+)"[^>]*>(?:<caption[^>]*>[\s\S]*?<\/caption>)?<thead>([\s\S]*?)<\/thead>/g,
  )) {
    columns.set(
      m[1]!,
      [...m[2]!.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((c) => text(c[1]!)),
    );
  }
  return { headings: [...html.matchAll(/<h2[^>]*>([\s\S]*?)<\/h2>/g)].map((m) => text(m[1]!)), testIds, columns };
}

/** What of the app's report the export lacks: sections (in order), marked elements, table columns. */
function missingFromExport(app: Outline, exported: Outline): string[] {
  const missing: string[] = [];
  let at = 0;
  for (const h of app.headings) {
    const found = exported.headings.indexOf(h, at);
    if (found < 0) missing.push(`section "${h}"`);
    else at = found + 1;
  }
  for (const [id, count] of app.testIds) {
    if (exported.testIds.get(id) !== count) missing.push(`${count} × ${id} (export: ${exported.testIds.get(id) ?? 0})`);
  }
  for (const [id, cols] of app.columns) {
    if (JSON.stringify(exported.columns.get(id)) !== JSON.stringify(cols)) missing.push(`columns of ${id}`);
  }
  return missing;
}

async function both(s: Session): Promise<{ app: string; exported: string }> {
  // These sessions have no image files: both sides say the images could not be measured.
  const similarity = await similarityOf(s).catch(() => null);
  const app = renderToStaticMarkup(createElement(ReportTabView, { sessionId: s.session_id, report: reportForClient(s), similarity }));
  return { app, exported: await renderReportHtml(s) };
}

describe('the Report tab and the HTML export', () => {
  it('render the same report: every section, marked element and table column of the tab is in the export', async () => {
    const { app, exported } = await both(fullSession());
    const tab = outline(app);
    expect(tab.headings).toEqual([
      'Dose-response: the chance to beat the baseline by strength',
      'Per metric and strength',
      'Ranking: Bradley–Terry over all comparisons (baseline = 0)',
      'How far each strength moves the image from the baseline',
      'Raters',
      'Rater quality',
      'Per seed (non-placebo strengths, all metrics)',
      'Per prompt (non-placebo strengths, all metrics)',
      'The most decisive pairs',
      'Reveal: which side was the LoRA',
    ]);
    // The optional parts are there to compare.
    for (const id of ['recommendation', 'settled', 'ranking', 'agreement', 'raters', 'self-consistency', 'placebo', 'decisive']) {
      expect(tab.testIds.has(id), id).toBe(true);
    }
    expect(tab.testIds.get('reveal-item')).toBe(12 + 6);
    expect(missingFromExport(tab, outline(exported))).toEqual([]);
    // The export adds its own Setup and notes after the report.
    expect(outline(exported).headings.slice(-2)).toEqual(['Setup', 'Notes']);
  });

  it('the comparison notices a section, a table or a column the export lacks', async () => {
    const { app, exported } = await both(fullSession());
    const tab = outline(app);
    const withoutRanking = exported.replace(/<section id="ranking"[\s\S]*?<\/section>/, '');
    expect(missingFromExport(tab, outline(withoutRanking))).toEqual([
      'section "Ranking: Bradley–Terry over all comparisons (baseline = 0)"',
      '1 × design (export: 0)',
      '1 × ranking (export: 0)',
      'columns of ranking',
    ]);
    const withoutArena = exported.replace('<th scope="col">Arena rate</th>', '');
    expect(missingFromExport(tab, outline(withoutArena))).toEqual(['columns of stats']);
  });

  it('gets a report of the shape GET /api/sessions/:id/report answers with', () => {
    const report = reportForClient(fullSession());
    expect(ClientReportSchema.strict().parse(report)).toEqual(report);
  });

  it('while a rater is still judging the tab shows interim figures, and no reveal with their verdicts', () => {
    const s = generatedSession();
    const choices = { Quality: 'left', Style: 'right', Coherence: 'tie' } as const;
    applyEvent(s, raterAddedEvent(s, 'ann', { invite: true })!, 'now');
    applyJudgment(s, { index: 0, choices, rater: 'ann' }, 'now');
    const render = () =>
      outline(
        renderToStaticMarkup(createElement(ReportTabView, { sessionId: s.session_id, report: reportForClient(s), similarity: null })),
      );
    const tab = render();
    expect(tab.testIds.get('interim')).toBe(1);
    expect(tab.headings).not.toContain('Reveal: which side was the LoRA');
    expect(tab.testIds.has('reveal-item')).toBe(false);
    expect(reportForClient(s).reveal_withheld).toEqual(['ann']);

    // Bob finishes: the reveal shows, with Bob's verdicts and none of Ann's.
    applyEvent(s, raterAddedEvent(s, 'bob', { invite: true })!, 'now');
    const bob = s.step_3_evaluation.raters.find((r) => r.name === 'bob')!;
    bob.order.forEach((_, index) =>
      applyJudgment(s, { index, choices: { Quality: 'tie', Style: 'tie', Coherence: 'tie' }, rater: 'bob' }, 'now'),
    );
    const report = reportForClient(s);
    expect(report.reveal.length).toBeGreaterThan(0);
    expect(report.reveal.every((r) => Object.values(r.verdicts).every((w) => w === 'tie'))).toBe(true);
    expect(render().headings).toContain('Reveal: which side was the LoRA');

    // The owner rating on their own screens gets no report until they choose to look.
    applyEvent(s, raterAddedEvent(s, 'me')!, 'now');
    applyJudgment(s, { index: 0, choices, rater: 'me' }, 'now');
    expect(() => reportForClient(s)).toThrow(expect.objectContaining({ code: 'blind_rating' }));
    applyEvent(s, { kind: 'looked' }, 'now');
    expect(reportForClient(s).raters.find((r) => r.name === 'me')!.looked_at).toBe('now');
  });
});
