import type { Similarity } from '../schema';
import { strengthLabel } from './format';

const num = (v: number | null): string => (v === null ? '–' : v.toFixed(3));

/**
 * Per strength, how far the LoRA images move from the baseline of the same prompt and seed (mean 1 − SSIM and its
 * spread over the image pairs), to see where a strength stops changing the picture or starts to overcook it.
 * `undefined`: being measured; `null`: the images could not be read.
 */
export function SimilarityTable({ similarity }: { similarity: Similarity | null | undefined }) {
  if (similarity === undefined) return <p className="muted">Measuring the images…</p>;
  if (similarity === null) return <p className="muted">The images could not be read, so they were not measured.</p>;
  return (
    <>
      <p className="muted small">
        A similarity measure, not a quality score: 1 − SSIM (Wang et al. 2004) between each LoRA image and the baseline of the same prompt
        and seed, in grey levels at {similarity.width} px wide; 0 is the same picture. The placebo renders the baseline again.
      </p>
      <table className="stats" data-testid="similarity">
        <thead>
          <tr>
            <th scope="col">Strength</th>
            <th scope="col">Image pairs</th>
            <th scope="col">Mean distance from the baseline</th>
            <th scope="col">Spread (sd)</th>
          </tr>
        </thead>
        <tbody>
          {similarity.rows.map((r) => (
            <tr key={`${r.lora_index ?? 0}:${r.strength_index}`}>
              <th scope="row">{r.file && !r.placebo ? `${r.file} · ${strengthLabel(r)}` : strengthLabel(r)}</th>
              <td>{r.n}</td>
              <td>{num(r.mean)}</td>
              <td>{num(r.sd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
