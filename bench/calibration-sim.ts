// Simulated evaluation sessions for the calibration bench (bench/calibration.ts) and its fast version in the unit
// tests (tests/unit/report/calibration.test.ts): a preset's grid (one LoRA file, or several: bench/calibration-files.ts),
// balanced pairs from a random secret, and one rater's verdicts drawn from a stated truth, judged through the
// project's own `buildReport`, as a user would read it.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import seedrandom from 'seedrandom';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { planResults } from '@/lib/generation/plan';
import { buildReport, type Report } from '@/lib/report/report';
import { SessionSchema, SetupSchema, type Score, type Session, type Winner } from '@/lib/sessions/schema';
import { PRESETS, type PresetId } from '@/lib/setup/presets';

/** The truth a session is drawn from. */
export interface Scenario {
  name: string;
  /** Correlation of the metrics of one pair (a latent Gaussian shared by the pair's metrics). */
  rho: number;
  /** P(LoRA file `lora` at `strength` beats the baseline) for a prompt with effect `promptEffect` (placebo: always 0.5). */
  winRate: (strength: number, promptEffect: number, lora: number) => number;
  /** Per prompt, a draw that `winRate` may use (Beta(2,2) prompt effects), from a uniform generator. */
  promptEffect?: (rng: () => number) => number;
  /** The strength a correct pick names, when there is a true optimum. */
  best?: number;
}

export const TIE_SHARE = 0.1;
const logit = (p: number): number => Math.log(p / (1 - p));
const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/** A Beta(2,2) draw: the median of three uniforms. */
const beta22 = (rng: () => number): number => [rng(), rng(), rng()].sort((a, b) => a - b)[1] as number;

/** Win probability against the baseline with a true optimum: 50% at 0, 75% at 0.75, 55% at 1, linear in between and beyond. */
export function optimumRate(s: number): number {
  const pts: [number, number][] = [
    [0, 0.5],
    [0.75, 0.75],
    [1, 0.55],
  ];
  const seg = s <= 0.75 ? 0 : 1;
  const [x0, y0] = pts[seg]!;
  const [x1, y1] = pts[seg + 1]!;
  return Math.min(0.95, Math.max(0.05, y0 + ((s - x0) * (y1 - y0)) / (x1 - x0)));
}

export const SCENARIOS = {
  null0: { name: 'no effect, metrics independent (ρ = 0)', rho: 0, winRate: () => 0.5 },
  null7: { name: 'no effect, ρ = 0.7', rho: 0.7, winRate: () => 0.5 },
  prompt: {
    name: 'prompt effect Beta(2,2), average null, ρ = 0.7',
    rho: 0.7,
    winRate: (s, q) => (s === 0 ? 0.5 : q),
    promptEffect: beta22,
  },
  optimum: { name: 'true optimum at 0.75 (50% / 75% / 55% at 0 / 0.75 / 1), ρ = 0.7', rho: 0.7, winRate: optimumRate, best: 0.75 },
} satisfies Record<string, Scenario>;

/** A standard normal draw (Box–Muller). */
function gauss(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** The preset's session with its pairs and no scores yet, parsed once; over `files` when given (several LoRA files). */
export function presetSession(preset: PresetId, files: readonly string[] = []): Session {
  const p = PRESETS[preset];
  const setup = SetupSchema.parse({
    comfyui_url: 'http://127.0.0.1:8188',
    checkpoint: 'sim.safetensors',
    lora_filename: files[0] ?? 'sim_lora.safetensors',
    lora_files: [...files],
    weight_range: [...p.strengths],
    seeds: Array.from({ length: p.seeds }, (_, i) => 100 + i),
    prompt_pairs: Array.from({ length: p.prompts }, (_, i) => ({ positive: `prompt ${i}` })),
  });
  const results = planResults(setup).map((r) => ({ ...r, status: 'done' as const }));
  return SessionSchema.parse({
    schema_version: 2,
    session_id: '20260101_000000',
    timestamp: 0,
    revision: 1,
    status: 'completed',
    step_1_setup: setup,
    step_2_generation: { generation_started: true, generation_complete: true, results, shuffled_results: [] },
    step_3_evaluation: { evaluation_complete: false, current_eval_index: 0, current_metric_index: 0, scores: [], raters: [] },
    step_4_report: {},
  });
}

/** One simulated session: fresh balanced pairs from a random secret and every pair judged by one rater. */
export function drawSession(base: Session, scenario: Scenario, rng: () => number): Session {
  const setup = base.step_1_setup;
  let token = 0;
  // The secret from the seeded generator, so a bench run can be repeated exactly.
  const secret = Array.from({ length: 8 }, () => Math.floor(rng() * 2 ** 32).toString(16)).join('');
  const pairs = makeBlindPairs(secret, base.step_2_generation.results, () => (token++).toString(16).padStart(32, '0'));
  const effects = setup.prompt_pairs.map(() => scenario.promptEffect?.(rng) ?? 0);
  const theta = (lora: number, strengthIndex: number | null, prompt: number): number => {
    if (strengthIndex === null) return 0;
    const s = setup.weight_range[strengthIndex] as number;
    return s === 0 ? 0 : logit(scenario.winRate(s, effects[prompt] as number, lora));
  };
  const scores: Score[] = [];
  const at = new Date(0).toISOString();
  for (const p of pairs) {
    const high = theta(p.lora_index ?? 0, p.strength_index, p.prompt_index);
    const win = logistic(high - theta(p.versus_lora_index ?? 0, p.versus_strength_index, p.prompt_index));
    const shared = gauss(rng);
    for (const metric of setup.metrics) {
      const z = Math.sqrt(scenario.rho) * shared + Math.sqrt(1 - scenario.rho) * gauss(rng);
      const winner: Winner = rng() < TIE_SHARE ? 'tie' : normalCdf(z, 0, 1) < win ? 'lora' : 'baseline';
      scores.push({ pair_id: p.pair_id, metric, winner, left: p.left, rater: 'default', rating: null, same_image: false, at });
    }
  }
  return {
    ...base,
    step_2_generation: { ...base.step_2_generation, shuffled_results: pairs },
    step_3_evaluation: { ...base.step_3_evaluation, scores, evaluation_complete: true, current_eval_index: pairs.length },
  };
}

/** The report after the first `pairs` judged pairs (complete when that is all of them). */
export function reportAfter(session: Session, pairs: number): Report {
  const metrics = session.step_1_setup.metrics.length;
  const total = session.step_2_generation.shuffled_results.length;
  const ev = session.step_3_evaluation;
  return buildReport({
    ...session,
    step_3_evaluation: {
      ...ev,
      scores: ev.scores.slice(0, pairs * metrics),
      evaluation_complete: pairs >= total,
      current_eval_index: pairs,
    },
  });
}

/** What one session claimed. */
export interface Claims {
  /** The recommended strength, and its file (0 with one file); both null with no recommendation. */
  recommends: number | null;
  file: number | null;
  settled: boolean;
  /** Some non-placebo interval (any metric or pooled) excludes 50%. */
  excludes: boolean;
  placeboFlagged: boolean;
}

/** What report `r` claims: its recommendation, "settled", whether an interval excludes 50%, the placebo flag. */
export function claimsOf(r: Report): Claims {
  const cells = [...r.cells, ...r.pooled].filter((c) => !c.placebo && c.ci_low !== null && c.ci_high !== null);
  return {
    recommends: r.recommendation.strength,
    file: r.recommendation.strength === null ? null : (r.recommendation.lora_index ?? 0),
    settled: r.settled.settled,
    excludes: cells.some((c) => (c.ci_low as number) > 0.5 || (c.ci_high as number) < 0.5),
    placeboFlagged: r.placebo?.biased ?? false,
  };
}

/** The claims of a user who reads the report after every `every` judged pairs and stops at the first "settled". */
export function claimsLookingEvery(session: Session, every: number): Claims {
  const total = session.step_2_generation.shuffled_results.length;
  let last: Claims | null = null;
  for (let n = Math.min(every, total); ; n = Math.min(total, n + every)) {
    last = claimsOf(reportAfter(session, n));
    if (last.settled || n >= total) return last;
  }
}

/** A seeded uniform generator (seedrandom's Alea). */
export const simRng = (seed: string): (() => number) => seedrandom.alea(seed);
