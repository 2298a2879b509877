/**
 * Prompt-level (cluster) bootstrap intervals and the arena-style win rate. Pure: no I/O, safe in server and
 * client bundles.
 */
import seedrandom from 'seedrandom';
import type { Interval } from './stats';

/** Seed used when none is given, so intervals are reproducible by default. */
export const DEFAULT_BOOTSTRAP_SEED = 'lora-bench-bootstrap';
export const DEFAULT_BOOTSTRAP_REPS = 2000;

/** A seeded source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** Alea (seedrandom's fast generator): bootstraps draw millions of numbers, where the default ARC4 is several times slower. */
export function makeRng(seed: string = DEFAULT_BOOTSTRAP_SEED): Rng {
  return seedrandom.alea(seed);
}

/** `k` indices drawn uniformly from 0..k−1 with replacement (one bootstrap resample of k clusters). */
export function resampleIndices(rng: Rng, k: number): number[] {
  const out = new Array<number>(k);
  for (let i = 0; i < k; i++) out[i] = Math.min(k - 1, Math.floor(rng() * k));
  return out;
}

/**
 * The q-quantile of ascending `sorted` by linear interpolation between order statistics (Hyndman & Fan type 7,
 * `numpy.quantile`'s default "linear"). Null for an empty array.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/** The percentile interval [q(α/2), q(1 − α/2)] of `values` (α = 1 − confidence); null when empty. */
export function percentileInterval(values: ArrayLike<number>, confidence: number): Interval | null {
  const sorted = Float64Array.from(values).sort();
  const alpha = 1 - confidence;
  const low = quantileSorted(sorted, alpha / 2);
  const high = quantileSorted(sorted, 1 - alpha / 2);
  return low === null || high === null ? null : { low, high };
}

export function checkBootstrapOptions(fn: string, reps: number, confidence: number): void {
  if (!Number.isInteger(reps) || reps < 1) {
    throw new RangeError(`${fn}: reps must be a whole number >= 1 (got ${reps})`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`${fn}: confidence must be in (0, 1) (got ${confidence})`);
  }
}

export interface PromptCounts {
  prompt_index: number;
  lora: number;
  baseline: number;
}

export interface BootstrapOptions {
  /** Bootstrap replicates (default 2000). */
  reps?: number;
  /** seedrandom seed (default DEFAULT_BOOTSTRAP_SEED). The same seed and input give the same interval. */
  seed?: string;
  /** Default 0.95. */
  confidence?: number;
}

/** Per prompt summed, prompts with no decisive judgment left out, ascending prompt_index (see below). */
function clustersOf(items: readonly PromptCounts[]): { prompts: number[]; lora: number[]; decisive: number[] } {
  const byPrompt = new Map<number, { lora: number; baseline: number }>();
  for (const it of items) {
    if (!Number.isInteger(it.prompt_index) || it.prompt_index < 0) {
      throw new RangeError(`bootstrapWinRateByPrompt: prompt_index must be a whole number >= 0 (got ${it.prompt_index})`);
    }
    if (!(Number.isFinite(it.lora) && it.lora >= 0 && Number.isFinite(it.baseline) && it.baseline >= 0)) {
      throw new RangeError(
        `bootstrapWinRateByPrompt: counts must be finite and >= 0 (prompt ${it.prompt_index}: lora ${it.lora}, baseline ${it.baseline})`,
      );
    }
    const c = byPrompt.get(it.prompt_index) ?? { lora: 0, baseline: 0 };
    c.lora += it.lora;
    c.baseline += it.baseline;
    byPrompt.set(it.prompt_index, c);
  }
  const kept = [...byPrompt.entries()].filter(([, c]) => c.lora + c.baseline > 0).sort((a, b) => a[0] - b[0]);
  return { prompts: kept.map(([i]) => i), lora: kept.map(([, c]) => c.lora), decisive: kept.map(([, c]) => c.lora + c.baseline) };
}

/**
 * Percentile bootstrap interval for the LoRA win rate Σlora / (Σlora + Σbaseline), resampling whole prompts with
 * replacement (B. Efron & R. Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13; the cluster bootstrap).
 * Judgments of one prompt (its seeds, metrics, raters) are not independent, so a per-judgment Wilson interval is
 * too narrow when prompts differ; this one widens with the spread between prompts.
 *
 * - Items are summed per prompt_index first (several rows per prompt are fine, e.g. one per seed).
 * - Prompts are put in ascending prompt_index order before drawing, so the input order does not matter.
 * - Prompts with no decisive judgment (lora + baseline = 0) are left out: they carry no information about the
 *   rate, and keeping them would only make the number of informative prompts per replicate random. Every
 *   replicate then has at least one decisive judgment.
 * - Returns null when fewer than 2 prompts have decisive judgments: resampling one cluster always gives the same
 *   rate, a zero-width interval that would look like certainty (use the Wilson interval instead).
 * - Each replicate draws k prompts out of the k kept, with `seedrandom(seed)`; the bounds are the α/2 and 1 − α/2
 *   quantiles of the replicate rates by linear interpolation (`numpy.quantile` default).
 *
 * @throws RangeError on a prompt_index that is not a whole number >= 0, a count that is negative or not finite,
 *   reps not a whole number >= 1, or confidence outside (0, 1).
 */
export function bootstrapWinRateByPrompt(items: readonly PromptCounts[], opts: BootstrapOptions = {}): Interval | null {
  return bootstrapWinRatesByPrompt([items], opts)[0] ?? null;
}

/**
 * `bootstrapWinRateByPrompt` of many cells at once (e.g. every metric × strength of a report), all with the same
 * options: element i is exactly `bootstrapWinRateByPrompt(cells[i], opts)`. Cells whose kept prompts are the same
 * set draw the same prompts in every replicate (the same seed gives the same draws), so the draws are made once per
 * set and each replicate costs k draws plus k multiply-adds per cell: nothing grows with the number of judgments.
 * Sharing draws makes the Monte Carlo error of the cells move together, as in one joint resample of the prompts.
 *
 * @throws RangeError as `bootstrapWinRateByPrompt`.
 */
export function bootstrapWinRatesByPrompt(cells: readonly (readonly PromptCounts[])[], opts: BootstrapOptions = {}): (Interval | null)[] {
  const reps = opts.reps ?? DEFAULT_BOOTSTRAP_REPS;
  const confidence = opts.confidence ?? 0.95;
  checkBootstrapOptions('bootstrapWinRateByPrompt', reps, confidence);

  const clusters = cells.map(clustersOf);
  const groups = new Map<string, number[]>(); // kept prompt set -> cells
  clusters.forEach((c, i) => {
    if (c.prompts.length < 2) return;
    const key = c.prompts.join(',');
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const out: (Interval | null)[] = cells.map(() => null);
  for (const members of groups.values()) {
    const k = (clusters[members[0] as number] as { prompts: number[] }).prompts.length;
    // Per member, the LoRA wins and decisive judgments of each kept prompt, flat (member-major).
    const lora = Float64Array.from(members.flatMap((cell) => (clusters[cell] as { lora: number[] }).lora));
    const decisive = Float64Array.from(members.flatMap((cell) => (clusters[cell] as { decisive: number[] }).decisive));
    const times = new Int32Array(k); // how often the replicate drew each prompt
    const drawn = new Int32Array(k); // the prompts it drew, each once
    const rates = new Float64Array(members.length * reps); // member-major
    const rng = makeRng(opts.seed);
    for (let r = 0; r < reps; r++) {
      times.fill(0);
      // The draws of resampleIndices, in the same order.
      for (let i = 0; i < k; i++) times[Math.min(k - 1, Math.floor(rng() * k))]! += 1;
      let d = 0;
      for (let i = 0; i < k; i++) if ((times[i] as number) > 0) drawn[d++] = i;
      for (let c = 0; c < members.length; c++) {
        let wins = 0;
        let n = 0;
        for (let e = 0; e < d; e++) {
          const i = drawn[e] as number;
          const t = times[i] as number;
          wins += t * (lora[c * k + i] as number);
          n += t * (decisive[c * k + i] as number);
        }
        rates[c * reps + r] = wins / n; // n > 0: every kept prompt has a decisive judgment
      }
    }
    members.forEach((cell, c) => {
      const sorted = rates.subarray(c * reps, (c + 1) * reps).sort();
      const low = quantileSorted(sorted, (1 - confidence) / 2);
      const high = quantileSorted(sorted, 1 - (1 - confidence) / 2);
      out[cell] = low === null || high === null ? null : { low, high };
    });
  }
  return out;
}

/**
 * The arena-style score (wins + ½·ties) / total, as in Chatbot Arena's win rate with ties counted half. `total`
 * is the number of comparisons the caller counts (wins + losses + ties; skips should not be in it). Null when
 * total = 0.
 *
 * @throws RangeError unless wins, ties and total are finite and >= 0 with wins + ties <= total.
 */
export function arenaRate(wins: number, ties: number, total: number): number | null {
  for (const [name, v] of [
    ['wins', wins],
    ['ties', ties],
    ['total', total],
  ] as const) {
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`arenaRate: ${name} must be finite and >= 0 (got ${v})`);
  }
  if (wins + ties > total) {
    throw new RangeError(`arenaRate: wins + ties (${wins} + ${ties}) exceed total (${total})`);
  }
  if (total === 0) return null;
  return (wins + ties / 2) / total;
}
