import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Summary } from '@/lib/report/view/summary';
import { applyJudgment } from '@/lib/evaluation/blind';
import { raterAddedEvent } from '@/lib/evaluation/raters';
import { reportForClient } from '@/lib/report/service';
import { applyEvent } from '@/lib/sessions/events';
import { SessionSchema } from '@/lib/sessions/schema';
import { generatedSession } from '../../helpers/generated-session';

const choices = { Quality: 'left', Style: 'tie', Coherence: 'right' } as const;

describe('the report says how each order was made', () => {
  it('marks the orders of sessions from before secret randomization, and only those', () => {
    const s = generatedSession();
    // An old session: its stored order has no secret, so the schema reads it as seeded with public values.
    const { order_secret: _, order_origin: __, ...old } = s.step_2_generation;
    s.step_2_generation = SessionSchema.shape.step_2_generation.parse(old);
    expect(s.step_2_generation.order_origin).toBe('public');
    s.step_2_generation.shuffled_results.forEach((_, index) => applyJudgment(s, { index, choices }, 'now'));
    applyEvent(s, raterAddedEvent(s, 'ann', { invite: true })!, 'now');
    applyJudgment(s, { index: 0, choices, rater: 'ann' }, 'now');

    const report = reportForClient(s);
    expect(report.raters.map((r) => [r.name, r.order])).toEqual([
      ['default', 'public'],
      ['ann', 'secret'],
    ]);
    const html = renderToStaticMarkup(createElement(Summary, { report }));
    expect(html).toContain('Order made before secret randomization (default)');

    const fresh = generatedSession();
    applyEvent(fresh, raterAddedEvent(fresh, 'ann', { invite: true })!, 'now');
    applyJudgment(fresh, { index: 0, choices, rater: 'ann' }, 'now');
    const freshReport = reportForClient(fresh);
    expect(freshReport.raters[0]!.order).toBe('secret');
    expect(renderToStaticMarkup(createElement(Summary, { report: freshReport }))).not.toContain('before secret randomization');
  });
});
