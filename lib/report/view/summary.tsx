import type { ClientReport } from '../schema';
import { formatNumber } from './format';

/** The recommended strength in one sentence, whether more judgments could change it, and a partial-figures banner. */
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
          <strong>Interim:</strong> evaluation is not finished ({report.pairs_judged} of {report.pairs_total} pairs judged), so these
          figures will change.
          {report.reveal_withheld.length > 0 &&
            ` The reveal leaves out the verdicts of ${report.reveal_withheld.join(', ')} until they finish or are removed.`}
        </p>
      )}
      <section className="recommendation" data-testid="recommendation">
        <strong>{rec.strength === null ? 'No recommended strength' : `Recommended strength: ${formatNumber(rec.strength)}`}</strong>
        <p className="reason">{rec.reason}</p>
        <p className="muted settled" data-testid="settled">
          {report.settled.reason}
        </p>
      </section>
    </>
  );
}
