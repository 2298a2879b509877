/**
 * The Bradley–Terry fit behind lib/report/bradley-terry.ts: comparisons as a dense wins matrix, and Hunter's MM
 * iteration on the anchor's connected component. Pure: no I/O, safe in server and client bundles.
 */

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

/** Steps in log-strength this small are floating-point noise (ln of a double is exact to ~1e-16 absolute). */
const NOISE_FLOOR = 64 * Number.EPSILON;

export interface Aggregated {
  items: string[];
  index: Map<string, number>;
  /** wins[i·m + j]: total count of i beating j (m = items.length). */
  wins: Float64Array;
}

/** Items in order of first mention, and their wins matrix. Throws RangeError on a self-comparison or a bad count. */
export function aggregate(fn: string, comparisons: readonly Comparison[]): Aggregated {
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
  for (const c of comparisons) {
    const count = c.count ?? 1;
    if (c.winner === c.loser) throw new RangeError(`${fn}: an item cannot beat itself (${c.winner})`);
    if (!(Number.isFinite(count) && count >= 0)) {
      throw new RangeError(`${fn}: count must be finite and >= 0 (got ${count} for ${c.winner} over ${c.loser})`);
    }
    idx(c.winner);
    idx(c.loser);
  }
  return { items, index, wins: winsMatrix(comparisons, index) };
}

/** The wins matrix of `comparisons` over the items of `index` (every name must be in it). */
export function winsMatrix(comparisons: readonly Comparison[], index: Map<string, number>): Float64Array {
  const m = index.size;
  const wins = new Float64Array(m * m);
  for (const c of comparisons) wins[(index.get(c.winner) as number) * m + (index.get(c.loser) as number)]! += c.count ?? 1;
  return wins;
}

export function checkFitOptions(fn: string, prior: number, iterations: number, tolerance: number): void {
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

export type FitResult = { ok: true; values: Record<string, number> } | { ok: false; kind: 'no-mle' | 'no-convergence'; reason: string };

/**
 * The exact fit when the component's compared pairs form a tree (c items, c − 1 compared pairs), as the report's
 * star of every strength against the baseline does: the log-likelihood is then a sum of one term per pair in its
 * own difference θᵢ − θⱼ, so each pair's MLE is its log-odds, θᵢ − θⱼ = ln(wᵢⱼ / wⱼᵢ) (wins with the prior), and
 * the values follow from the anchor along the tree. The MM iteration converges to the same values. Null when the
 * component is not a tree (or has a pair won all one way, where the MLE does not exist: checked before).
 */
function treeFit(items: readonly string[], wp: Float64Array, m: number, a: number, comp: number[]): Record<string, number> | null {
  let pairs = 0;
  for (const i of comp) for (const j of comp) if (i < j && (wp[i * m + j] as number) + (wp[j * m + i] as number) > 0) pairs++;
  if (pairs !== comp.length - 1) return null;
  const theta = new Map<number, number>([[a, 0]]);
  const stack = [a];
  while (stack.length > 0) {
    const i = stack.pop() as number;
    for (const j of comp) {
      if (theta.has(j) || (wp[i * m + j] as number) + (wp[j * m + i] as number) === 0) continue;
      theta.set(j, (theta.get(i) as number) + Math.log((wp[j * m + i] as number) / (wp[i * m + j] as number)));
      stack.push(j);
    }
  }
  const values: Record<string, number> = {};
  for (const i of comp) values[items[i] as string] = i === a ? 0 : (theta.get(i) as number);
  return values;
}

/**
 * Fit of the anchor's connected component, on the wins matrix of `items` (dense, m × m): exact on a tree, by MM
 * iteration otherwise. Never throws on data problems; reports them instead.
 */
export function fit(items: readonly string[], w: Float64Array, a: number, prior: number, iterations: number, tolerance: number): FitResult {
  const m = items.length;
  const anchor = items[a] as string;
  // Compared pairs get the prior each way.
  const wp = new Float64Array(m * m); // wins with the prior
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i === j) continue;
      const compared = (w[i * m + j] as number) + (w[j * m + i] as number) > 0;
      wp[i * m + j] = (w[i * m + j] as number) + (compared ? prior : 0);
    }
  }
  const n = new Float64Array(m * m); // n[i·m + j] = games between i and j
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) n[i * m + j] = (wp[i * m + j] as number) + (wp[j * m + i] as number);
  const games = (i: number, j: number): number => n[i * m + j] as number;
  const beats = (i: number, j: number): boolean => (wp[i * m + j] as number) > 0;

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
        `the rest: ${stuck.map((i) => items[i]).join(', ')}); use a prior > 0`,
    };
  }

  const tree = treeFit(items, wp, m, a, comp);
  if (tree) return { ok: true, values: tree };

  const c = comp.length;
  const W = new Float64Array(c);
  comp.forEach((i, p) => {
    for (const j of comp) if (i !== j) W[p] = (W[p] as number) + (wp[i * m + j] as number);
  });
  // games between the component's items, in component order
  const g = new Float64Array(c * c);
  for (let p = 0; p < c; p++) for (let q = 0; q < c; q++) g[p * c + q] = p === q ? 0 : games(comp[p] as number, comp[q] as number);
  let gamma = new Float64Array(c).fill(1);
  let next = new Float64Array(c);
  let prevDelta = 0;
  const ai = comp.indexOf(a);
  for (let it = 0; it < iterations; it++) {
    for (let p = 0; p < c; p++) {
      let denom = 0;
      for (let q = 0; q < c; q++) {
        const nq = g[p * c + q] as number;
        if (nq > 0) denom += nq / ((gamma[p] as number) + (gamma[q] as number));
      }
      next[p] = (W[p] as number) / denom;
    }
    const scale = next[ai] as number;
    let delta = 0;
    for (let p = 0; p < c; p++) {
      next[p] = (next[p] as number) / scale;
      delta = Math.max(delta, Math.abs(Math.log(next[p] as number) - Math.log(gamma[p] as number)));
    }
    [gamma, next] = [next, gamma];
    // MM converges linearly, and slowly on lopsided data, so a small step does not mean a small error: with
    // contraction rate r (estimated from successive steps) the distance left is about delta·r/(1 − r). Stop when
    // both are below tolerance, or when the steps are down to rounding noise.
    const rate = prevDelta > 0 ? delta / prevDelta : 1;
    const remaining = rate < 1 ? (delta * rate) / (1 - rate) : Infinity;
    prevDelta = delta;
    if (delta <= NOISE_FLOOR || (delta < tolerance && remaining < tolerance)) {
      const values: Record<string, number> = {};
      comp.forEach((i, p) => {
        values[items[i] as string] = p === ai ? 0 : Math.log(gamma[p] as number);
      });
      return { ok: true, values };
    }
  }
  return { ok: false, kind: 'no-convergence', reason: `the MM algorithm did not converge within ${iterations} iterations` };
}
