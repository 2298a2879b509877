import type { ClientReport } from '../schema';
import { pct, pctRange, pval } from './format';

/** Self-consistency on repeated pairs, position bias and the placebo check, each in a sentence. */
export function RaterQualitySection({ report }: { report: ClientReport }) {
  const repeated = report.self_consistency.filter((c) => c.repeats > 0);
  const b = report.position_bias;
  const p = report.placebo;
  return (
    <>
      {repeated.length > 0 && (
        <p data-testid="self-consistency">
          Self-consistency on repeated pairs (sides swapped):{' '}
          {repeated.map((c) => `${c.rater} ${c.consistent}/${c.repeats} (${pct(c.rate)})`).join(' · ')}
        </p>
      )}
      <p data-testid="position-bias">
        {b.n === 0 ? (
          'Position bias: no decisive judgments.'
        ) : (
          <>
            Position bias: the left image was picked in {b.left_picks} of {b.n} decisive judgments ({pct(b.rate)}, 95% CI{' '}
            {pctRange(b.ci_low, b.ci_high)}, p = {pval(b.p_value)}).{' '}
            {b.p_value !== null && b.p_value < 0.05 ? (
              <strong className="warn">The raters favoured one side of the screen (p &lt; 0.05).</strong>
            ) : (
              'Consistent with no side preference.'
            )}
          </>
        )}
      </p>
      <p data-testid="placebo">
        {!p ? (
          'Placebo: strength 0 was not among the tested strengths, so there is no placebo check.'
        ) : p.n === 0 ? (
          'Placebo (strength 0): no decisive pairs.'
        ) : (
          <>
            Placebo (strength 0, where both images are made without the LoRA&apos;s effect): the &quot;LoRA&quot; side won {p.lora_wins} of{' '}
            {p.n} decisive pairs ({pct(p.win_rate)}, exact binomial p = {pval(p.p_value)}
            {report.analysis.alpha === null
              ? ', no analysis yet'
              : `, tested at ${Number((report.analysis.alpha * 100).toFixed(2))}%`}).{' '}
            {p.biased ? (
              <strong className="warn">This is far from 50%: the ratings look biased; read the other results with caution.</strong>
            ) : (
              'Consistent with no bias.'
            )}
          </>
        )}
      </p>
    </>
  );
}
