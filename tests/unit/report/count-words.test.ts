import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { raterProgressWords } from '@/app/_components/rater-progress';
import { ReportTabView } from '@/app/_components/report-tab-view';
import { applyJudgment, type Choice } from '@/lib/evaluation/blind';
import { raterAddedEvent } from '@/lib/evaluation/raters';
import { raterPairWords, reportCountWords, verdictWords } from '@/lib/report/count-words';
import { renderReportHtml } from '@/lib/report/html';
import { reportForClient } from '@/lib/report/service';
import { applyEvent } from '@/lib/sessions/events';
import type { Session } from '@/lib/sessions/schema';
import { summarize } from '@/lib/sessions/summary';
import { toClientSession } from '@/lib/sessions/view';
import { generatedSession } from '../../helpers/generated-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';

tempSessionsDir();

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'");

/**
 * Two raters with repeated control pairs (a quarter of the pairs come back): ann judges every screen, bob the first
 * `bobScreens`. Repeats are stored scores the report does not count, so a view counting stored scores disagrees.
 */
function twoRaters(bobScreens: number): Session {
  const s = generatedSession('20240115_143022', { repeat_share: 0.25 });
  for (const name of ['ann', 'bob']) applyEvent(s, raterAddedEvent(s, name, { invite: true })!, 'now');
  const [ann, bob] = s.step_3_evaluation.raters;
  const judge = (rater: string, index: number, c: Choice) =>
    applyJudgment(s, { index, choices: { Quality: c, Style: 'left', Coherence: 'tie' }, rater }, 'now');
  ann!.order.forEach((_, i) => judge('ann', i, i % 2 ? 'left' : 'right'));
  bob!.order.slice(0, bobScreens).forEach((_, i) => judge('bob', i, 'tie'));
  return s;
}

describe('counts in Evaluation, the report and All sessions', () => {
  it('say the same numbers in the same words for one session', async () => {
    const s = twoRaters(4);
    const report = reportForClient(s);
    const row = summarize(s);
    const raters = toClientSession(s).step_3_evaluation.raters;
    const ann = raters.find((r) => r.name === 'ann')!;
    expect(ann.repeats).toBeGreaterThan(0);

    // Evaluation: a rater's screens are the report's pairs plus their repeats (the direct design: one set of pairs).
    expect(raterProgressWords(ann)).toBe(`done, all ${raterPairWords(report.pairs_total + ann.repeats, ann.repeats)}`);
    expect(raterProgressWords(ann)).toBe(`done, all ${report.pairs_total} pairs + ${ann.repeats} repeats`);
    expect(raterProgressWords(raters.find((r) => r.name === 'bob')!)).toBe(
      `4 of ${ann.total} (${report.pairs_total} pairs + ${ann.repeats} repeats)`,
    );

    // All sessions counts the verdicts the report counts, and says what the other stored ones are in the same words.
    expect(row.verdicts_counted).toBe(report.judgments);
    expect(row.judgments).toBe(report.judgments + report.scores_ignored);
    expect(row.judgments).toBeGreaterThan(row.verdicts_counted);
    const history = verdictWords(row.verdicts_counted, row.judgments);
    expect(history).toBe(
      `${report.judgments} verdicts counted (${report.scores_ignored} more stored on repeated pairs or replaced, not counted)`,
    );

    // The report's count line, in the tab and in the HTML export, holds those same words.
    const line = reportCountWords(report, 2);
    expect(line).toBe(
      `${report.pairs_judged} of ${report.pairs_total} pairs judged (the pairs of every rater's order, each once) · ${history}`,
    );
    const tab = text(renderToStaticMarkup(createElement(ReportTabView, { sessionId: s.session_id, report, similarity: null })));
    expect(tab).toContain(line);
    // The export waits for the end of evaluation: bob is removed, his judgments kept, and the counts stay.
    applyEvent(s, { kind: 'rater_removed', rater: 'bob' }, 'now');
    expect(reportCountWords(reportForClient(s), 2)).toBe(line);
    expect(text(await renderReportHtml(s))).toContain(line);
  });

  it('a rater without repeats, a single one of everything', () => {
    expect(raterPairWords(4, 0)).toBe('4 pairs');
    expect(raterPairWords(2, 1)).toBe('1 pair + 1 repeat');
    expect(verdictWords(1, 1)).toBe('1 verdict counted');
    expect(reportCountWords({ pairs_judged: 1, pairs_total: 1, judgments: 2, scores_ignored: 0 })).toBe(
      '1 of 1 pair judged · 2 verdicts counted',
    );
  });
});
