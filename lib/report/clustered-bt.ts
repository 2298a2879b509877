/**
 * Bradley–Terry log-strengths with a prompt-clustered (sandwich) covariance: the report's intervals and tests that
 * generalise across prompts (issue 14). Judgments of one prompt are not independent (its seeds, metrics and raters
 * share the prompt), so the variance comes from how much the prompts' contributions differ, not from the number of
 * judgments. Pure: no I/O, safe in server and client bundles.
 *
 * Method: the penalized maximum-likelihood fit of lib/report/bradley-terry-fit.ts (its prior of half a win each way
 * per compared pair), and the cluster-robust covariance V = H⁻¹ (c·Σₚ gₚ gₚᵀ) H⁻¹, where H is the Fisher information
 * of the fit (prior included), gₚ the score of prompt p's comparisons at the estimate, and c = k/(k − 1) the usual
 * small-sample factor over k prompts (K.-Y. Liang & S. L. Zeger, Biometrika 73(1), 1986; the CR1 factor of
 * A. C. Cameron & D. L. Miller, "A practitioner's guide to cluster-robust inference", J. Human Resources 50(2), 2015,
 * who also advise t critical values with k − 1 degrees of freedom, as lib/report/inference.ts uses).
 */
import { aggregate, fit, winsMatrix, type Comparison } from './bradley-terry-fit';

export const CLUSTERED_BT_PRIOR = 0.5;
const ITERATIONS = 100_000;
const TOLERANCE = 1e-12;

export interface ClusteredFit {
  /** The items on the anchor's scale (the anchor's connected component), in order of first mention. */
  items: string[];
  anchor: string;
  /** Log-strength per item, the anchor at 0. */
  estimate: Record<string, number>;
  /** Prompts with at least one comparison between the items. */
  clusters: number;
  /** Cluster-robust covariance of the log-strengths over `items` (the anchor's row and column are 0); null with fewer than 2 prompts. */
  covariance: number[][] | null;
}

/** Inverse of a small symmetric positive-definite matrix by Gauss–Jordan elimination with partial pivoting; null if singular. */
function invert(a: number[][]): number[][] | null {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    if (!(Math.abs(m[pivot]![c]!) > 1e-300)) return null;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const row = m[c]!;
    const d = row[c]!;
    for (let j = 0; j < 2 * n; j++) row[j] = row[j]! / d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      if (f !== 0) for (let j = 0; j < 2 * n; j++) m[r]![j] = m[r]![j]! - f * row[j]!;
    }
  }
  return m.map((row) => row.slice(n));
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The fit of `comparisonsByPrompt` (element p: the comparisons of prompt p, a tie passed as wins each way) with the
 * anchor at 0, and its prompt-clustered covariance. Returns null when the anchor is in no comparison.
 *
 * @throws RangeError on a self-comparison or a negative or non-finite count (lib/report/bradley-terry-fit.ts).
 * @throws Error if the fit does not converge (not seen: with the prior the likelihood is strictly concave).
 */
export function clusteredBradleyTerry(
  comparisonsByPrompt: readonly (readonly Comparison[])[],
  anchor: string,
  prior: number = CLUSTERED_BT_PRIOR,
): ClusteredFit | null {
  const all = comparisonsByPrompt.flat();
  const agg = aggregate('clusteredBradleyTerry', all);
  const a = agg.index.get(anchor);
  if (a === undefined) return null;
  const r = fit(agg.items, agg.wins, a, prior, ITERATIONS, TOLERANCE);
  if (!r.ok) throw new Error(`clusteredBradleyTerry: ${r.reason}`);
  const items = agg.items.filter((name) => name in r.values);
  const at = items.map((name) => agg.index.get(name) as number);
  const theta = items.map((name) => r.values[name] as number);
  const n = items.length;
  const m = agg.items.length;
  const free = items.map((name) => name !== anchor);

  // Information of the penalized fit: every compared pair's games (the prior's two half wins included).
  const h = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const wij = agg.wins[at[i]! * m + at[j]!]!;
      const wji = agg.wins[at[j]! * m + at[i]!]!;
      if (wij + wji === 0) continue;
      const p = logistic(theta[i]! - theta[j]!);
      const w = (wij + wji + 2 * prior) * p * (1 - p);
      h[i]![i]! += w;
      h[j]![j]! += w;
      h[i]![j]! -= w;
      h[j]![i]! -= w;
    }
  }
  // Each prompt's score at the estimate: observed wins minus expected wins, per item.
  const scores: number[][] = [];
  for (const cs of comparisonsByPrompt) {
    const w = winsMatrix(
      cs.filter((c) => (c.count ?? 1) > 0 && c.winner in r.values && c.loser in r.values),
      agg.index,
    );
    const g = new Array<number>(n).fill(0);
    let any = false;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const wij = w[at[i]! * m + at[j]!]!;
        const wji = w[at[j]! * m + at[i]!]!;
        if (wij + wji === 0) continue;
        any = true;
        g[i]! += wij - (wij + wji) * logistic(theta[i]! - theta[j]!);
      }
    }
    if (any) scores.push(g);
  }
  const k = scores.length;
  const estimate = Object.fromEntries(items.map((name, i) => [name, theta[i]!]));
  if (k < 2 || n < 2) return { items, anchor, estimate, clusters: k, covariance: null };

  const idx = [...Array(n).keys()].filter((i) => free[i]);
  const bread = invert(idx.map((i) => idx.map((j) => h[i]![j]!)));
  if (!bread) return { items, anchor, estimate, clusters: k, covariance: null };
  const f = idx.length;
  const meat = Array.from({ length: f }, () => new Array<number>(f).fill(0));
  for (const g of scores) for (let x = 0; x < f; x++) for (let y = 0; y < f; y++) meat[x]![y]! += g[idx[x]!]! * g[idx[y]!]!;
  const c = k / (k - 1);
  const bm = bread.map((row) => meat.map((_, y) => row.reduce((s, v, z) => s + v * meat[z]![y]!, 0)));
  const v = bm.map((row) => bread.map((_, y) => c * row.reduce((s, val, z) => s + val * bread[z]![y]!, 0)));
  const covariance = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  idx.forEach((i, x) => idx.forEach((j, y) => (covariance[i]![j] = v[x]![y]!)));
  return { items, anchor, estimate, clusters: k, covariance };
}

/** The standard error of θ_a − θ_b from a fit's covariance (θ_a alone when b is the anchor); null without one. */
export function contrastSe(f: ClusteredFit, a: string, b: string): number | null {
  if (!f.covariance) return null;
  const i = f.items.indexOf(a);
  const j = f.items.indexOf(b);
  if (i < 0 || j < 0) return null;
  const cv = f.covariance;
  const v = cv[i]![i]! + cv[j]![j]! - 2 * cv[i]![j]!;
  return v > 0 ? Math.sqrt(v) : null;
}
