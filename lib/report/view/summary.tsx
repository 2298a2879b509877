import type { ClientReport } from '../schema';
import { formatNumber } from './format';

const pct1 = (p: number): string => `${Number((p * 100).toFixed(1))}%`;

/** Which look the intervals and claims come from, and what each claim promises, in plain words. */
function analysisLine(report: ClientReport): string {
  const a = report.analysis;
  if (a.kind === 'none') return a.scope;
  const look =
    a.kind === 'interim'
      ? `Interim analysis: intervals and claims use the ${a.pairs_analysed} pairs judged by the halfway point, at a stricter level (error rate ${pct1(a.alpha ?? 0)}); the final analysis at the end of the evaluation uses the rest of the 5%.`
      : `Final analysis of all ${a.pairs_analysed} judged pairs (error rate ${pct1(a.alpha ?? 0)}, the rest of the 5% after the interim look).`;
  const promise =
    ' "Recommended" and "settled" are wrong at most 5% of the time over the whole evaluation, however often this report is read' +
    (a.confidence === null ? '. ' : `; each interval is at ${pct1(a.confidence)} (${a.family} tests), so that all of them hold together. `);
  return `${look}${promise}${a.scope}`;
}

/** The recommended strength (several files: the best variant) in one sentence, whether more judgments could change it, and a partial-figures banner. */
export function Summary({ report }: { report: ClientReport }) {
  const rec = report.recommendation;
  const seeded = report.raters.filter((r) => r.order === 'public').map((r) => r.name);
  const looked = report.raters.filter((r) => r.looked_at !== null).map((r) => r.name);
  return (
    <>
      {seeded.length > 0 && (
        <p className="banner warning" data-testid="public-order">
          Order made before secret randomization ({seeded.join(', ')}): the order and sides were seeded with the session id and the
          rater&apos;s name, which a rater could read, so these judgments may not have been blind.
        </p>
      )}
      {looked.length > 0 && (
        <p className="banner info" data-testid="looked">
          {looked.join(', ')} opened labelled images or results before finishing: their judgments were made before they looked, and their
          blind rating ended there.
        </p>
      )}
      {!report.complete && (
        <p className="banner info" data-testid="interim">
          <strong>Interim:</strong> evaluation is not finished (
          {report.reveal_withheld.length > 0 ? `still rating: ${report.reveal_withheld.join(', ')}` : 'no rater has judged yet'}), so these
          figures will change.
          {report.reveal_withheld.length > 0 &&
            ` The reveal leaves out the verdicts of ${report.reveal_withheld.join(', ')} until they finish or are removed.`}
        </p>
      )}
      <p className="banner info" data-testid="analysis">
        {analysisLine(report)}
      </p>
      <section className="recommendation" data-testid="recommendation">
        <strong>
          {report.file_labels
            ? rec.strength === null
              ? 'No best variant'
              : `Best variant: ${report.file_labels[rec.lora_index ?? 0]} at strength ${formatNumber(rec.strength)}`
            : rec.strength === null
              ? 'No recommended strength'
              : `Recommended strength: ${formatNumber(rec.strength)}`}
        </strong>
        <p className="reason">{rec.reason}</p>
        <p className="muted settled" data-testid="settled">
          {report.settled.reason}
        </p>
      </section>
    </>
  );
}
