import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as compareRoute from '@/app/api/compare/route';
import { applyJudgment, type Choice } from '@/lib/evaluation/blind';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { planResults } from '@/lib/generation/plan';
import { ComparisonSchema, compareReports, type CompareEntry, type Comparison } from '@/lib/report/compare';
import { POOLED_METRIC, buildReport } from '@/lib/report/report';
import { SessionSchema, type Session } from '@/lib/sessions/schema';
import { tempSessionsDir } from '../../helpers/temp-sessions';

type Verdict = 'lora' | 'baseline' | 'tie';

interface Spec {
  id: string;
  lora: string;
  strengths: number[];
  metrics: string[];
  /** Verdict for a pair, by its strength and metric; undefined leaves the pair unjudged (and the rest after it). */
  verdict?: (strength: number, metric: string, pairIndex: number) => Verdict;
  /** Judge only the first `judge` pairs in evaluation order (default: all). */
  judge?: number;
  generationComplete?: boolean;
}

let tokenCounter = 0;

/** A generated session (1 prompt × 2 seeds × `strengths`), judged through `applyJudgment` as the UI would. */
function makeSession(spec: Spec): Session {
  const draft = SessionSchema.parse({
    schema_version: 2,
    session_id: spec.id,
    timestamp: 1705308622.5,
    revision: 1,
    status: 'completed',
    step_1_setup: {
      checkpoint: 'v1-5-pruned-emaonly.safetensors',
      lora_filename: spec.lora,
      weight_range: spec.strengths,
      seeds: [11, 12],
      metrics: spec.metrics,
      prompt_pairs: [{ positive: 'a lighthouse at dusk' }],
    },
    step_2_generation: { generation_started: true, generation_complete: spec.generationComplete ?? true },
    step_3_evaluation: {},
    step_4_report: {},
  });
  draft.step_2_generation.results = planResults(draft.step_1_setup).map((r) => ({ ...r, status: 'done' }));
  draft.step_2_generation.shuffled_results = makeBlindPairs(
    spec.id,
    draft.step_2_generation.results,
    () => (tokenCounter++).toString(16).padStart(32, '0'),
    0,
    'direct',
  );
  if (spec.verdict && (spec.generationComplete ?? true)) {
    const pairs = draft.step_2_generation.shuffled_results;
    const upto = Math.min(spec.judge ?? pairs.length, pairs.length);
    for (let i = 0; i < upto; i++) {
      const pair = pairs[i]!;
      const choices: Record<string, Choice> = {};
      for (const metric of spec.metrics) {
        const v = spec.verdict(pair.strength, metric, i);
        choices[metric] = v === 'tie' ? 'tie' : v === pair.left ? 'left' : 'right';
      }
      applyJudgment(draft, { index: i, choices }, '2024-01-15T14:30:00Z');
    }
  }
  return draft;
}

const entryOf = (s: Session): CompareEntry => ({
  session_id: s.session_id,
  lora_filename: s.step_1_setup.lora_filename,
  timestamp: s.timestamp,
  report: buildReport(s),
});

// v1: strengths 0, 0.5, 1. LoRA always wins at 1, always loses at 0.5, ties at 0 (no decisive judgment there).
const v1 = () =>
  makeSession({
    id: '20240115_143022',
    lora: 'style_v1.safetensors',
    strengths: [0, 0.5, 1],
    metrics: ['Quality', 'Style'],
    verdict: (s) => (s === 0 ? 'tie' : s === 1 ? 'lora' : 'baseline'),
  });
// v2: strengths given unsorted (1.5, 0.75, 1); metrics overlap v1's in part. Quality: LoRA always wins; Detail: LoRA
// wins only at 1.5.
const v2 = () =>
  makeSession({
    id: '20240116_090000',
    lora: 'style_v2.safetensors',
    strengths: [1.5, 0.75, 1],
    metrics: ['Detail', 'Quality'],
    verdict: (s, m) => (m === 'Quality' || s === 1.5 ? 'lora' : 'baseline'),
  });
// v3: a single strength, judged only halfway.
const v3 = () =>
  makeSession({
    id: '20240117_120000_2',
    lora: 'style_v3.safetensors',
    strengths: [0.5],
    metrics: ['Style'],
    verdict: () => 'lora',
    judge: 1,
  });

function row(c: Comparison, metric: string, strength: number) {
  const series = c.series.find((s) => s.metric === metric);
  if (!series) throw new Error(`no series ${metric}`);
  const r = series.rows.find((x) => x.strength === strength);
  if (!r) throw new Error(`no row ${metric} @ ${strength}`);
  return r;
}

describe('compareReports', () => {
  it('keeps the given order and labels each session', () => {
    const c = compareReports([entryOf(v2()), entryOf(v1()), entryOf(v3())]);
    expect(c.sessions.map((s) => s.session_id)).toEqual(['20240116_090000', '20240115_143022', '20240117_120000_2']);
    expect(c.sessions.map((s) => s.label)).toEqual([
      '20240116_090000 - style_v2.safetensors',
      '20240115_143022 - style_v1.safetensors',
      '20240117_120000_2 - style_v3.safetensors',
    ]);
    expect(c.sessions.map((s) => s.complete)).toEqual([true, true, false]);
    expect(c.sessions[0]!.timestamp).toBe(1705308622.5);
    expect(c.sessions[0]!.strengths).toEqual([1.5, 0.75, 1]);
    expect(ComparisonSchema.parse(c)).toEqual(c);
  });

  it('takes the union of metrics in first-seen order, then "All metrics"', () => {
    expect(compareReports([entryOf(v1()), entryOf(v2())]).metrics).toEqual(['Quality', 'Style', 'Detail', POOLED_METRIC]);
    expect(compareReports([entryOf(v2()), entryOf(v1())]).metrics).toEqual(['Detail', 'Quality', 'Style', POOLED_METRIC]);
    const c = compareReports([entryOf(v2()), entryOf(v1())]);
    expect(c.series.map((s) => s.metric)).toEqual(c.metrics);
  });

  it('lines sessions with different strength sets up on the sorted shared axis, null where a session lacks one', () => {
    const c = compareReports([entryOf(v1()), entryOf(v2()), entryOf(v3())]);
    expect(c.strengths).toEqual([0, 0.5, 0.75, 1, 1.5]);
    for (const s of c.series) {
      expect(s.rows.map((r) => r.strength)).toEqual(c.strengths);
      for (const r of s.rows) expect(r.values).toHaveLength(3);
    }
    expect(row(c, 'Quality', 0).placebo).toBe(true);
    expect(row(c, 'Quality', 1).placebo).toBe(false);

    // Quality: v1 and v2 both have it; each pair is judged once per metric, 2 pairs (seeds) per strength.
    const q = (s: number) => row(c, 'Quality', s).values;
    expect(q(0)).toEqual([{ win_rate: null, ci_low: null, ci_high: null, n: 0 }, null, null]); // v1 ties only
    expect(q(0.5)[0]).toMatchObject({ win_rate: 0, n: 2 });
    expect(q(0.5)[1]).toBeNull();
    expect(q(0.5)[2]).toBeNull(); // v3 has 0.5 but no Quality metric
    expect(q(0.75)).toEqual([null, expect.objectContaining({ win_rate: 1, n: 2 }), null]);
    expect(q(1)[0]).toMatchObject({ win_rate: 1, n: 2 });
    expect(q(1)[1]).toMatchObject({ win_rate: 1, n: 2 });
    expect(q(1.5)[0]).toBeNull();

    // Detail is v2's only.
    expect(row(c, 'Detail', 1.5).values).toEqual([null, expect.objectContaining({ win_rate: 1, n: 2 }), null]);
    expect(row(c, 'Detail', 0.75).values[1]).toMatchObject({ win_rate: 0, n: 2 });
    expect(row(c, 'Detail', 0.5).values).toEqual([null, null, null]);

    // Style: v3 judged 1 pair at 0.5.
    expect(row(c, 'Style', 0.5).values[2]).toMatchObject({ win_rate: 1, n: 1 });
    expect(row(c, 'Style', 0.5).values[0]).toMatchObject({ win_rate: 0, n: 2 });
  });

  it('copies the numbers of the reports: cells and pooled rows with their intervals', () => {
    const s1 = v1();
    const s2 = v2();
    const r1 = buildReport(s1);
    const r2 = buildReport(s2);
    const c = compareReports([entryOf(s1), entryOf(s2)]);
    for (const [i, r] of [r1, r2].entries()) {
      for (const cell of [...r.cells, ...r.pooled]) {
        const v = row(c, cell.metric, cell.strength).values[i];
        expect(v).toEqual({ win_rate: cell.win_rate, ci_low: cell.ci_low, ci_high: cell.ci_high, n: cell.n });
      }
    }
    // Pooled v2 at 1: on each pair Quality went to the LoRA and Detail to the baseline, so every pair is a tie.
    const pooled = row(c, POOLED_METRIC, 1).values[1]!;
    expect(pooled).toEqual({ win_rate: null, ci_low: null, ci_high: null, n: 0 });
    expect(c.sessions[1]!.recommendation).toEqual(r2.recommendation);
    expect(c.sessions[0]!.recommendation.reason).toBe(r1.recommendation.reason);
  });

  it('refuses fewer than 2 and more than 8 sessions', () => {
    const one = entryOf(v1());
    expect(() => compareReports([])).toThrow(RangeError);
    expect(() => compareReports([one])).toThrow(/between 2 and 8/);
    const many = (k: number) =>
      Array.from({ length: k }, (_, i) => ({ ...one, session_id: `20240115_14302${i}`, report: { ...one.report } }));
    expect(compareReports(many(2)).sessions).toHaveLength(2);
    expect(compareReports(many(8)).sessions).toHaveLength(8);
    expect(() => compareReports(many(9))).toThrow(RangeError);
  });
});

describe('GET /api/compare', () => {
  const dir = tempSessionsDir();
  const ctx = { params: Promise.resolve({}) };
  const get = (query: string) => compareRoute.GET(new Request(`http://test/api/compare${query}`), ctx);

  async function write(s: Session): Promise<void> {
    const folder = path.join(dir(), s.session_id);
    await mkdir(path.join(folder, 'output'), { recursive: true });
    await writeFile(path.join(folder, 'session_meta.json'), JSON.stringify(s));
  }

  it('returns the comparison of the given sessions in order', async () => {
    const a = v1();
    const b = v2();
    await write(a);
    await write(b);
    const res = await get(`?ids=${b.session_id},${a.session_id}`);
    expect(res.status).toBe(200);
    const body = ComparisonSchema.parse(await res.json());
    expect(body).toEqual(compareReports([entryOf(b), entryOf(a)]));
    expect(body.sessions.map((s) => s.session_id)).toEqual([b.session_id, a.session_id]);
  });

  it('answers 400 with {error:{code,message}} for too few, too many, repeated or malformed ids', async () => {
    const a = v1();
    await write(a);
    const nine = Array.from({ length: 9 }, (_, i) => `20240115_14302${i}`).join(',');
    for (const query of [
      '',
      '?ids=',
      `?ids=${a.session_id}`,
      `?ids=${a.session_id},${a.session_id}`,
      `?ids=${a.session_id},..%2Fetc`,
      `?ids=${a.session_id},not-an-id`,
      `?ids=${nine}`,
    ]) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, query).toBe('bad_request');
      expect(body.error.message, query).toMatch(/\S/);
    }
  });

  it('passes on 404 for a missing session and 409 for one whose generation is not finished', async () => {
    const a = v1();
    const pending = makeSession({
      id: '20240118_080000',
      lora: 'wip.safetensors',
      strengths: [1],
      metrics: ['Quality'],
      generationComplete: false,
    });
    await write(a);
    await write(pending);
    const missing = await get(`?ids=${a.session_id},20991231_235959`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const conflict = await get(`?ids=${a.session_id},${pending.session_id}`);
    expect(conflict.status).toBe(409);
    const err = ((await conflict.json()) as { error: { code: string; message: string } }).error;
    expect(err.code).toBe('conflict');
    expect(err.message).toContain(pending.session_id);
  });
});
