import type { ClientReport, RaterReport } from '../schema';
import { formatNumber, pct } from './format';
import { TableFrame } from './table-frame';

/** How blind a rater's judgments were: their order's origin, and whether they looked before finishing. */
export function blindness(r: RaterReport): string {
  const order = r.order === 'public' ? 'order made before secret randomization' : 'secret order';
  const via = r.invited ? 'rater link' : "owner's screens";
  return r.looked_at
    ? `${order}, ${via}; judged before looking at results (${r.looked_at.slice(0, 16).replace('T', ' ')})`
    : `${order}, ${via}`;
}

/** Fleiss' kappa in one sentence, and each rater's pooled win rate per strength and left picks. */
export function RatersSection({ report }: { report: ClientReport }) {
  const a = report.agreement;
  return (
    <>
      <p data-testid="agreement">
        {a
          ? `Fleiss' kappa κ = ${a.kappa === null ? '–' : a.kappa.toFixed(2)} over ${a.subjects} items judged by all ` +
            `${a.raters.length} raters (${pct(a.percent_agreement)} agreement).`
          : 'One rater: agreement needs two or more.'}
      </p>
      {report.raters.length > 0 && (
        <TableFrame caption="Per rater" testId="raters">
          <thead>
            <tr>
              <th scope="col">Rater</th>
              <th scope="col">Verdicts stored</th>
              {report.pooled.map((c) => (
                <th scope="col" key={`${c.lora_index ?? 0}:${c.strength_index}`}>
                  Win rate at {c.lora_index === undefined ? '' : `${report.file_labels?.[c.lora_index] ?? ''} · `}
                  {formatNumber(c.strength)}
                </th>
              ))}
              <th scope="col">Left picks</th>
              <th scope="col">Blindness</th>
            </tr>
          </thead>
          <tbody>
            {report.raters.map((r) => (
              <tr key={r.name}>
                <th scope="row">{r.name}</th>
                <td>{r.judgments}</td>
                {r.pooled.map((c) => (
                  <td key={`${c.lora_index ?? 0}:${c.strength_index}`}>{pct(c.win_rate)}</td>
                ))}
                <td>{pct(r.position_bias.rate)}</td>
                <td data-testid="rater-blindness">{blindness(r)}</td>
              </tr>
            ))}
          </tbody>
        </TableFrame>
      )}
    </>
  );
}
