/**
 * Bradley–Terry strengths for the report (e.g. baseline and each LoRA strength on one scale), fitted by the MM
 * algorithm, with a prompt-level bootstrap. Pure: no I/O, safe in server and client bundles.
 */
import { DEFAULT_BOOTSTRAP_SEED, checkBootstrapOptions, makeRng, percentileInterval, resampleIndices } from './bootstrap';
import { aggregate, checkFitOptions, fit, winsMatrix, type Comparison } from './bradley-terry-fit';

export type { Comparison } from './bradley-terry-fit';

export interface BradleyTerryOptions {
  /** The item whose log-strength is fixed at 0 (default: the first item named in `comparisons`). */
  anchor?: string;
  /**
   * Pseudo-wins added each way to every pair of items that was compared at least once (default 0.5; 0 for the
   * pure maximum-likelihood estimate). See `bradleyTerry`.
   */
  prior?: number;
  /** Most MM iterations before giving up (default 100 000). */
  iterations?: number;
  /**
   * Stop when no log-strength moves by more than this in one iteration and the estimated distance still to go
   * (from the observed rate of convergence) is below it too (default 1e-10).
   */
  tolerance?: number;
}

export const DEFAULT_BT_PRIOR = 0.5;
const DEFAULT_ITERATIONS = 100_000;
const DEFAULT_TOLERANCE = 1e-10;

/**
 * Maximum-likelihood Bradley–Terry strengths (R. A. Bradley & M. E. Terry, Biometrika 39, 1952), P(i beats j) =
 * γᵢ / (γᵢ + γⱼ), fitted by the MM algorithm of D. R. Hunter ("MM algorithms for generalized Bradley–Terry
 * models", Annals of Statistics 32(1), 2004):
 *
 *   γᵢ ← Wᵢ / Σ_{j≠i} nᵢⱼ / (γᵢ + γⱼ)      (Wᵢ = wins of i, nᵢⱼ = comparisons of i and j)
 *
 * Returns log-strengths θᵢ = ln γᵢ with the anchor at 0, so θᵢ − θⱼ is the log-odds that i beats j.
 *
 * Prior: `prior` pseudo-wins (default 0.5) are added each way to every pair that was compared at least once, i.e.
 * one pseudo-tie per compared pair. Without it an item that won (or lost) every comparison would get +∞ (−∞);
 * with it the estimate is finite and shrunk a little towards the other item. The result is then the MLE of the
 * augmented counts, not of the data: pass `prior: 0` for the pure MLE. Pairs never compared get no prior, so the
 * prior does not invent comparisons.
 *
 * Disconnected data: only items connected to the anchor through compared pairs share its scale. Items in other
 * components are left out of the result (there is no way to compare them with the anchor).
 *
 * @throws RangeError on a self-comparison, a negative or non-finite count, bad options, an anchor that is not
 *   among the items, or (prior 0 only) data for which the MLE does not exist (an item or group of items won or
 *   lost all its comparisons with the rest).
 * @throws Error if the iteration does not converge (not seen with the defaults).
 */
export function bradleyTerry(comparisons: readonly Comparison[], opts: BradleyTerryOptions = {}): Record<string, number> {
  const prior = opts.prior ?? DEFAULT_BT_PRIOR;
  const iterations = opts.iterations ?? DEFAULT_ITERATIONS;
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  checkFitOptions('bradleyTerry', prior, iterations, tolerance);
  const agg = aggregate('bradleyTerry', comparisons);
  if (agg.items.length === 0) return {};
  const anchor = opts.anchor ?? (agg.items[0] as string);
  if (!agg.items.includes(anchor)) {
    throw new RangeError(`bradleyTerry: the anchor ${anchor} is not among the compared items`);
  }
  const r = fit(agg.items, agg.wins, agg.index.get(anchor) as number, prior, iterations, tolerance);
  if (r.ok) return r.values;
  if (r.kind === 'no-convergence') throw new Error(`bradleyTerry: ${r.reason}`);
  throw new RangeError(`bradleyTerry: ${r.reason}`);
}

export interface BradleyTerryInterval {
  /** The log-strength from all the data (anchor = 0). */
  estimate: number;
  /** Percentile bootstrap bounds; null with fewer than 2 prompts with comparisons. */
  low: number | null;
  high: number | null;
  /** Replicates in which the item could be placed on the anchor's scale (the bounds come from these). */
  replicates: number;
}

export interface BradleyTerryBootstrapOptions extends BradleyTerryOptions {
  /** Default 0.95. */
  confidence?: number;
}

/**
 * Bradley–Terry log-strengths with percentile bootstrap intervals that resample whole prompts with replacement
 * (judgments of one prompt are not independent). `comparisonsByPrompt[k]` holds the comparisons of the k-th
 * prompt; prompts with no positive count are left out before resampling, and the order of the rest fixes the
 * draw, so the same input, reps and seed give the same intervals (`seedrandom(seed)`).
 *
 * Each replicate draws as many prompts as there are, pools their comparisons and fits with the same anchor and
 * prior. An item missing from a replicate's fit (not compared in the drawn prompts, or cut off from the anchor)
 * is left out of that replicate: its bounds come from the `replicates` in which it was placed. A replicate
 * without the anchor places no item. The bounds are the α/2 and 1 − α/2 quantiles (linear interpolation).
 *
 * The prior must be > 0 here: with the pure MLE some replicates would have no finite estimate, and dropping
 * them would make the interval too narrow.
 *
 * @throws RangeError as `bradleyTerry`, and on reps not a whole number >= 1, confidence outside (0, 1), or prior 0.
 */
export function bradleyTerryBootstrap(
  comparisonsByPrompt: readonly (readonly Comparison[])[],
  reps = 1000,
  seed: string = DEFAULT_BOOTSTRAP_SEED,
  opts: BradleyTerryBootstrapOptions = {},
): Record<string, BradleyTerryInterval> {
  const prior = opts.prior ?? DEFAULT_BT_PRIOR;
  const iterations = opts.iterations ?? DEFAULT_ITERATIONS;
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  const confidence = opts.confidence ?? 0.95;
  checkBootstrapOptions('bradleyTerryBootstrap', reps, confidence);
  checkFitOptions('bradleyTerryBootstrap', prior, iterations, tolerance);
  if (prior === 0) {
    throw new RangeError('bradleyTerryBootstrap: prior must be > 0 (the pure MLE does not exist in every replicate)');
  }

  const all = comparisonsByPrompt.flat();
  const estimate = bradleyTerry(all, { ...opts, prior, iterations, tolerance });
  const names = Object.keys(estimate);
  if (names.length === 0) return {};
  const agg = aggregate('bradleyTerryBootstrap', all);
  const anchor = opts.anchor ?? (agg.items[0] as string);
  const a = agg.index.get(anchor) as number;

  // Each prompt as the non-zero cells of its wins matrix over all items; a replicate's matrix is their sum weighted
  // by how often it drew each, so a replicate costs at most k·m² additions and one fit, whatever the number of
  // judgments behind the counts.
  const clusters = comparisonsByPrompt.filter((cs) => cs.some((c) => (c.count ?? 1) > 0));
  const k = clusters.length;
  const m = agg.items.length;
  const cells = clusters.map((cs) => {
    const w = winsMatrix(cs, agg.index);
    const at = [...w.keys()].filter((e) => (w[e] as number) !== 0);
    return { at: Int32Array.from(at), count: Float64Array.from(at, (e) => w[e] as number) };
  });
  const namesAnchor = clusters.map((cs) => cs.some((c) => c.winner === anchor || c.loser === anchor));
  const draws = new Map<string, number[]>(names.map((name) => [name, []]));
  if (k >= 2) {
    const rng = makeRng(seed);
    const times = new Int32Array(k);
    const drawn = new Float64Array(m * m);
    for (let r = 0; r < reps; r++) {
      times.fill(0);
      for (const i of resampleIndices(rng, k)) times[i]! += 1;
      // A replicate whose prompts never name the anchor places no item.
      if (!namesAnchor.some((named, i) => named && (times[i] as number) > 0)) continue;
      drawn.fill(0);
      cells.forEach(({ at, count }, i) => {
        const t = times[i] as number;
        if (t > 0) for (let e = 0; e < at.length; e++) drawn[at[e] as number]! += t * (count[e] as number);
      });
      const res = fit(agg.items, drawn, a, prior, iterations, tolerance);
      // With a prior > 0 the MLE always exists.
      if (!res.ok) throw new Error(`bradleyTerryBootstrap: ${res.reason}`);
      for (const name of names) {
        const v = res.values[name];
        if (v !== undefined) (draws.get(name) as number[]).push(v);
      }
    }
  }

  const out: Record<string, BradleyTerryInterval> = {};
  for (const name of names) {
    const values = draws.get(name) as number[];
    const ci = k >= 2 ? percentileInterval(values, confidence) : null;
    out[name] = { estimate: estimate[name] as number, low: ci?.low ?? null, high: ci?.high ?? null, replicates: values.length };
  }
  return out;
}
