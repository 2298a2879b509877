// Several LoRA files in the calibration bench (issue 15): three epochs of one kohya run at a preset's strengths,
// every variant (file × strength) ranked in one report, under no effect anywhere, under a true ordering of the
// epochs, and with two equally best variants (where any "settled" is false). Sessions are drawn and judged by
// bench/calibration-sim.ts; bench/calibration.ts prints the rates and the fast unit test
// (tests/unit/report/calibration.test.ts) reads a few sessions.
import { planVariants } from '@/lib/generation/variants';
import type { Session } from '@/lib/sessions/schema';
import type { PresetId } from '@/lib/setup/presets';
import { SCENARIOS, claimsOf, drawSession, presetSession, reportAfter, simRng, type Scenario } from './calibration-sim';

/** Three epochs of one run, earliest first (file indexes 0, 1, 2). */
export const EPOCH_RUN = ['run-000004.safetensors', 'run-000008.safetensors', 'run-000012.safetensors'];

const logit = (p: number): number => Math.log(p / (1 - p));
const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * A true ordering of the epoch files: file `f` beats the baseline with probability `atOne[f]` at strength 1, its
 * log-odds proportional to the strength (a LoRA's weight delta scales with it), the same on every prompt.
 */
export function orderingScenario(name: string, atOne: readonly number[], rho = 0.7): Scenario {
  return { name, rho, winRate: (s, _q, lora) => logistic(s * logit(atOne[lora] as number)) };
}

export const FILE_SCENARIOS = {
  null0: { ...SCENARIOS.null0, name: '3 files, no effect anywhere, ρ = 0' },
  null7: { ...SCENARIOS.null7, name: '3 files, no effect anywhere, ρ = 0.7' },
  ordering: orderingScenario(
    '3 files, epoch 12 > 8 > 4 (70% / 62.5% / 55% at strength 1, log-odds ∝ strength), ρ = 0.7',
    [0.55, 0.625, 0.7],
  ),
  twin: {
    name: '3 files, epochs 8 and 12 equally best (85% at strength 1, every other variant 50%), ρ = 0.7',
    rho: 0.7,
    winRate: (s, _q, lora) => (lora >= 1 && s === 1 ? 0.85 : 0.5),
  },
} satisfies Record<string, Scenario>;

/** A variant by file index and strength. */
export interface SimVariant {
  lora: number;
  strength: number;
}

/** The variants with the highest true win rate (several when tied), or none when no variant beats the baseline. */
export function bestVariants(base: Session, scenario: Scenario): SimVariant[] {
  const variants = planVariants(base.step_1_setup).map((v) => ({ lora: v.lora_index, strength: v.strength }));
  const rate = (v: SimVariant) => scenario.winRate(v.strength, 0, v.lora);
  const top = Math.max(...variants.map(rate));
  return top > 0.5 ? variants.filter((v) => rate(v) === top) : [];
}

/** How many of the sessions made each claim. */
export interface FileCounts {
  sessions: number;
  /** The truly best variants (bestVariants), none under no effect. */
  best: SimVariant[];
  recommends: number;
  settled: number;
  excludes: number;
  placebo: number;
  /** "Settled" at the interim look (half the pairs) or the final one, for a user who stops at the first. */
  settledEitherLook: number;
  /** Recommends a truly best variant (file and strength). */
  bestVariant: number;
  /** Recommends a truly best variant's file, at any strength. */
  bestFile: number;
  /** "Settled" on anything but the one truly best variant (any "settled" when several are equally best). */
  wrongSettled: number;
}

/** The claims of `sessions` simulated 3-file sessions at `preset` under `scenario`, drawn from `seed`. */
export function countFileClaims(preset: PresetId, scenario: Scenario, sessions: number, seed: string): FileCounts {
  const base = presetSession(preset, EPOCH_RUN);
  const best = bestVariants(base, scenario);
  const only = best.length === 1 ? best[0] : undefined;
  const rng = simRng(seed);
  const n: FileCounts = {
    sessions,
    best,
    recommends: 0,
    settled: 0,
    excludes: 0,
    placebo: 0,
    settledEitherLook: 0,
    bestVariant: 0,
    bestFile: 0,
    wrongSettled: 0,
  };
  for (let i = 0; i < sessions; i++) {
    const s = drawSession(base, scenario, rng);
    const total = s.step_2_generation.shuffled_results.length;
    const c = claimsOf(reportAfter(s, total));
    if (c.recommends !== null) n.recommends++;
    if (c.settled) n.settled++;
    if (c.excludes) n.excludes++;
    if (c.placeboFlagged) n.placebo++;
    // Claims change only at the two looks (lib/report/sequential.ts), so reading the report at half the pairs and at
    // the end covers a user who reads it after every judgment.
    if (c.settled || claimsOf(reportAfter(s, Math.ceil(total / 2))).settled) n.settledEitherLook++;
    if (best.some((v) => v.lora === c.file)) n.bestFile++;
    if (best.some((v) => v.lora === c.file && v.strength === c.recommends)) n.bestVariant++;
    if (best.length && c.settled && (c.file !== only?.lora || c.recommends !== only?.strength)) n.wrongSettled++;
  }
  return n;
}
