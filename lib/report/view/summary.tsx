import type { ClientReport } from '../schema';
import { formatNumber } from './format';

/** The recommended strength in one sentence, whether more judgments could change it, and a partial-figures banner. */
export function Summary({ report }: { report: ClientReport }) {
  const rec = report.recommendation;
  return (
    <>
      {!report.complete && (
        <p className="banner info">
          Evaluation is not finished ({report.pairs_judged} of {report.pairs_total} pairs): figures are partial and the reveal is withheld.
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
