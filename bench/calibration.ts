// Calibration bench (issue 14): how often the report's claims are false, and how often they are right, over
// simulated sessions at the Quick, Standard and Thorough presets (bench/calibration-sim.ts draws them; the report is
// the project's own `buildReport`). Scenarios: no effect with metrics independent and with ρ = 0.7; a Beta(2,2)
// prompt effect with a null average; a true optimum; and, under no effect, a user who reads the report after every
// 10 judged pairs and stops at the first "settled". Then three epoch files of one run (bench/calibration-files.ts):
// no effect anywhere, a true ordering of the epochs, and two equally best epochs.
//
// Run it as
//   npm run bench:calibration               (1000 sessions per preset and scenario)
//   npm run bench:calibration -- --sessions 300
// Each rate is printed with its number of sessions and a 95% Wilson interval for the Monte-Carlo error. Every false
// claim must stay at or below 5% (its interval's lower end at or below 5%): the script exits 1 otherwise.
import { wilsonInterval } from '@/lib/report/stats';
import { PRESETS, type PresetId } from '@/lib/setup/presets';
import { fileLabels } from '@/lib/generation/variants';
import { EPOCH_RUN, FILE_SCENARIOS, countFileClaims } from './calibration-files';
import { SCENARIOS, claimsLookingEvery, claimsOf, drawSession, presetSession, reportAfter, simRng, type Scenario } from './calibration-sim';

const arg = process.argv.indexOf('--sessions');
const SESSIONS = arg > 0 ? Number(process.argv[arg + 1]) : 1000;
const LIMIT = 0.05;
let failed = false;

function line(label: string, hits: number, n: number, falseClaim: boolean): string {
  const ci = wilsonInterval(hits, n)!;
  const bad = falseClaim && ci.low > LIMIT;
  if (bad) failed = true;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return `    ${label.padEnd(44)} ${pct(hits / n).padStart(6)}  (MC 95% ${pct(ci.low)}–${pct(ci.high)}, ${n} sessions)${falseClaim ? (bad ? '  OVER 5%' : '  ≤ 5%') : ''}`;
}

/** The preset strength with the highest true win rate, for scenarios with an optimum. */
function bestOf(preset: PresetId, scenario: Scenario): number | undefined {
  if (scenario.best === undefined) return undefined;
  const strengths = PRESETS[preset].strengths.filter((s) => s !== 0);
  return strengths.reduce((a, b) => (scenario.winRate(b, 0, 0) > scenario.winRate(a, 0, 0) ? b : a));
}

for (const preset of Object.keys(PRESETS) as PresetId[]) {
  const base = presetSession(preset);
  const p = PRESETS[preset];
  console.log(
    `${p.label}: ${p.prompts} prompts × ${p.seeds} seeds × strengths ${p.strengths.join(', ')}, metrics ${base.step_1_setup.metrics.join(', ')}`,
  );
  for (const [key, scenario] of Object.entries(SCENARIOS) as [string, Scenario][]) {
    const rng = simRng(`calibration:${preset}:${key}`);
    const best = bestOf(preset, scenario);
    const count = { recommends: 0, settled: 0, excludes: 0, placebo: 0, pick: 0, wrongRec: 0, wrongSettled: 0, sequential: 0 };
    const started = performance.now();
    for (let i = 0; i < SESSIONS; i++) {
      const s = drawSession(base, scenario, rng);
      const c = claimsOf(reportAfter(s, s.step_2_generation.shuffled_results.length));
      if (c.recommends !== null) count.recommends++;
      if (c.settled) count.settled++;
      if (c.excludes) count.excludes++;
      if (c.placeboFlagged) count.placebo++;
      if (best !== undefined && c.recommends === best) count.pick++;
      if (best !== undefined && c.recommends !== null && scenario.winRate(c.recommends, 0, 0) <= 0.5) count.wrongRec++;
      if (best !== undefined && c.settled && c.recommends !== best) count.wrongSettled++;
      if (key === 'null7' && claimsLookingEvery(s, 10).settled) count.sequential++;
    }
    console.log(`  ${scenario.name} (${((performance.now() - started) / SESSIONS).toFixed(1)} ms per session)`);
    const n = SESSIONS;
    if (best === undefined) {
      console.log(line('recommends a strength', count.recommends, n, true));
      console.log(line('says "settled"', count.settled, n, true));
      console.log(line('some interval excludes 50%', count.excludes, n, true));
      if (key === 'null7') console.log(line('settled, looking every 10 pairs, stopping', count.sequential, n, true));
    } else {
      console.log(line(`recommends a strength (power)`, count.recommends, n, false));
      console.log(line(`picks the best, ${best} (correct pick)`, count.pick, n, false));
      console.log(line('says "settled" (power)', count.settled, n, false));
      console.log(line('recommends a strength that does not help', count.wrongRec, n, true));
      console.log(line('"settled" on a strength other than the best', count.wrongSettled, n, true));
    }
    console.log(line('placebo flagged "biased"', count.placebo, n, true));
  }
  console.log(`  ${EPOCH_RUN.join(', ')} × strengths ${p.strengths.join(', ')}`);
  for (const [key, scenario] of Object.entries(FILE_SCENARIOS) as [string, Scenario][]) {
    const started = performance.now();
    const c = countFileClaims(preset, scenario, SESSIONS, `calibration-files:${preset}:${key}`);
    console.log(`  ${scenario.name} (${((performance.now() - started) / SESSIONS).toFixed(1)} ms per session)`);
    if (c.best.length === 0) {
      console.log(line('recommends a variant', c.recommends, SESSIONS, true));
      console.log(line('says "settled"', c.settled, SESSIONS, true));
      console.log(line('some interval excludes 50%', c.excludes, SESSIONS, true));
      console.log(line('settled at either look, stopping', c.settledEitherLook, SESSIONS, true));
    } else {
      const labels = fileLabels(EPOCH_RUN);
      const files = [...new Set(c.best.map((v) => labels[v.lora]))].join(' or ');
      const variants = c.best.map((v) => `${labels[v.lora]} at ${v.strength}`).join(' or ');
      console.log(line('recommends a variant (power)', c.recommends, SESSIONS, false));
      console.log(line(`names ${files} (best file)`, c.bestFile, SESSIONS, false));
      console.log(line(`names ${variants} (best)`, c.bestVariant, SESSIONS, false));
      if (c.best.length > 1) console.log(line('says "settled" (no variant is uniquely best)', c.wrongSettled, SESSIONS, true));
      else {
        console.log(line('says "settled" (power)', c.settled, SESSIONS, false));
        console.log(line('"settled" on a variant other than the best', c.wrongSettled, SESSIONS, true));
      }
    }
    console.log(line('placebo flagged "biased"', c.placebo, SESSIONS, true));
  }
}
if (failed) {
  console.log('A false-claim rate is above 5%.');
  process.exitCode = 1;
}
