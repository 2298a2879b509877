/**
 * Bradley–Terry strengths for the report (e.g. baseline and each LoRA strength on one scale), fitted by the MM
 * algorithm, with a prompt-level bootstrap. Pure: no I/O, safe in server and client bundles.
 */
import { DEFAULT_BOOTSTRAP_SEED, checkBootstrapOptions, makeRng, percentileInterval, resampleIndices } from './bootstrap';

/**
 * `count` (default 1) wins of `winner` over `loser`. A tie is passed as half a win each way:
 * `{winner: a, loser: b, count: 0.5}` and `{winner: b, loser: a, count: 0.5}` (the usual convention, e.g.
 * Chatbot Arena's; under it a tie is evidence the two are equally strong). Counts need not be whole numbers.
 */
export interface Comparison {
  winner: string;
  loser: string;
  count?: number;
}

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
/** Steps in log-strength this small are floating-point noise (ln of a double is exact to ~1e-16 absolute). */
const NOISE_FLOOR = 64 * Number.EPSILON;

interface Aggregated {
  items: string[];
  /** wins[i][j]: total count of i beating j. */
  wins: number[][];
}

function aggregate(fn: string, comparisons: readonly Comparison[]): Aggregated {
  const index = new Map<string, number>();
  const items: string[] = [];
  const idx = (name: string): number => {
    let i = index.get(name);
    if (i === undefined) {
      i = items.length;
      index.set(name, i);
      items.push(name);
    }
    return i;
  };
  const pairs: [number, number, number][] = [];
  for (const c of comparisons) {
    const count = c.count ?? 1;
    if (c.winner === c.loser) throw new RangeError(`${fn}: an item cannot beat itself (${c.winner})`);
    if (!(Number.isFinite(count) && count >= 0)) {
      throw new RangeError(`${fn}: count must be finite and >= 0 (got ${count} for ${c.winner} over ${c.loser})`);
    }
    pairs.push([idx(c.winner), idx(c.loser), count]);
  }
  const m = items.length;
  const wins = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (const [i, j, count] of pairs) (wins[i] as number[])[j] = ((wins[i] as number[])[j] as number) + count;
  return { items, wins };
}

function checkFitOptions(fn: string, prior: number, iterations: number, tolerance: number): void {
  if (!(Number.isFinite(prior) && prior >= 0)) throw new RangeError(`${fn}: prior must be finite and >= 0 (got ${prior})`);
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`${fn}: iterations must be a whole number >= 1 (got ${iterations})`);
  }
  if (!(tolerance > 0)) throw new RangeError(`${fn}: tolerance must be > 0 (got ${tolerance})`);
}

/** Items reachable from `start` following edges i→j where edge(i, j). */
function reachable(m: number, start: number, edge: (i: number, j: number) => boolean): boolean[] {
  const seen = new Array<boolean>(m).fill(false);
  seen[start] = true;
  const stack = [start];
  while (stack.length > 0) {
    const i = stack.pop() as number;
    for (let j = 0; j < m; j++) {
      if (!seen[j] && edge(i, j)) {
        seen[j] = true;
        stack.push(j);
      }
    }
  }
  return seen;
}

type FitResult =
  { ok: true; values: Record<string, number> } | { ok: false; kind: 'no-anchor' | 'no-mle' | 'no-convergence'; reason: string };

/** MM fit of the anchor's connected component. Never throws on data problems; reports them instead. */
function fit(agg: Aggregated, anchor: string, prior: number, iterations: number, tolerance: number): FitResult {
  const a = agg.items.indexOf(anchor);
  if (a < 0) return { ok: false, kind: 'no-anchor', reason: `the anchor ${anchor} is not among the compared items` };
  const m = agg.items.length;
  const w = agg.wins;
  const win = (i: number, j: number): number => (w[i] as number[])[j] as number;

  // Compared pairs get the prior each way.
  const n = Array.from({ length: m }, () => new Array<number>(m).fill(0)); // n[i][j] = games between i and j
  const wp = Array.from({ length: m }, () => new Array<number>(m).fill(0)); // wins with the prior
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i === j) continue;
      const compared = win(i, j) + win(j, i) > 0;
      (wp[i] as number[])[j] = win(i, j) + (compared ? prior : 0);
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) (n[i] as number[])[j] = ((wp[i] as number[])[j] as number) + ((wp[j] as number[])[i] as number);
  }
  const games = (i: number, j: number): number => (n[i] as number[])[j] as number;
  const beats = (i: number, j: number): boolean => ((wp[i] as number[])[j] as number) > 0;

  // Only the anchor's connected component is on the anchor's scale.
  const inComponent = reachable(m, a, (i, j) => games(i, j) > 0);
  const comp = [...Array(m).keys()].filter((i) => inComponent[i]);
  if (comp.length === 1) return { ok: true, values: { [anchor]: 0 } };

  // The MLE exists iff in every split of the component into two groups each group beats the other at least
  // once (Ford 1957; Hunter 2004, Assumption 1): the "beats" graph must be strongly connected.
  const down = reachable(m, a, beats);
  const up = reachable(m, a, (i, j) => beats(j, i));
  const stuck = comp.filter((i) => !down[i] || !up[i]);
  if (stuck.length > 0) {
    return {
      ok: false,
      kind: 'no-mle',
      reason:
        'the maximum-likelihood estimate does not exist (some items won or lost every comparison that links them to ' +
        `the rest: ${stuck.map((i) => agg.items[i]).join(', ')}); use a prior > 0`,
    };
  }

  const W = comp.map((i) => comp.reduce((s, j) => s + (i === j ? 0 : ((wp[i] as number[])[j] as number)), 0));
  let gamma = comp.map(() => 1);
  let prevDelta = 0;
  const ai = comp.indexOf(a);
  for (let it = 0; it < iterations; it++) {
    const next = comp.map((i, p) => {
      let denom = 0;
      comp.forEach((j, q) => {
        if (i !== j && games(i, j) > 0) denom += games(i, j) / ((gamma[p] as number) + (gamma[q] as number));
      });
      return (W[p] as number) / denom;
    });
    const scale = next[ai] as number;
    let delta = 0;
    for (let p = 0; p < next.length; p++) {
      next[p] = (next[p] as number) / scale;
      delta = Math.max(delta, Math.abs(Math.log(next[p] as number) - Math.log(gamma[p] as number)));
    }
    gamma = next;
    // MM converges linearly, and slowly on lopsided data, so a small step does not mean a small error: with
    // contraction rate r (estimated from successive steps) the distance left is about delta·r/(1 − r). Stop when
    // both are below tolerance, or when the steps are down to rounding noise.
    const rate = prevDelta > 0 ? delta / prevDelta : 1;
    const remaining = rate < 1 ? (delta * rate) / (1 - rate) : Infinity;
    prevDelta = delta;
    if (delta <= NOISE_FLOOR || (delta < tolerance && remaining < tolerance)) {
      const values: Record<string, number> = {};
      comp.forEach((i, p) => {
        values[agg.items[i] as string] = p === ai ? 0 : Math.log(gamma[p] as number);
      });
      return { ok: true, values };
    }
  }
  return { ok: false, kind: 'no-convergence', reason: `the MM algorithm did not converge within ${iterations} iterations` };
}

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
  const r = fit(agg, anchor, prior, iterations, tolerance);
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
  const anchor = opts.anchor ?? (aggregate('bradleyTerryBootstrap', all).items[0] as string);

  const clusters = comparisonsByPrompt.filter((cs) => cs.some((c) => (c.count ?? 1) > 0));
  const k = clusters.length;
  const draws = new Map<string, number[]>(names.map((name) => [name, []]));
  if (k >= 2) {
    const rng = makeRng(seed);
    for (let r = 0; r < reps; r++) {
      const drawn: Comparison[] = [];
      for (const i of resampleIndices(rng, k)) drawn.push(...(clusters[i] as readonly Comparison[]));
      const res = fit(aggregate('bradleyTerryBootstrap', drawn), anchor, prior, iterations, tolerance);
      if (!res.ok) {
        // With a prior > 0 the MLE always exists; the only data problem left is the anchor not drawn.
        if (res.kind !== 'no-anchor') throw new Error(`bradleyTerryBootstrap: ${res.reason}`);
        continue;
      }
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
