import { cp, chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { evaluationView } from '@/lib/evaluation/blind';
import { buildReport } from '@/lib/report/report';
import { isLegacyV2, migrateLegacyV2 } from '@/lib/sessions/legacy';
import { LEGACY_BACKUP_FILE, importLegacyV1, migrateLegacyFolder } from '@/lib/sessions/migrate';
import { currentStep, SessionSchema, type Session } from '@/lib/sessions/schema';
import { listSessions, loadSession } from '@/lib/sessions/store';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const dir = tempSessionsDir();

const ID = '20240115_143022';
const FIXTURE = '/work/shared/fixtures/legacy-v2/20240115_143022';
const fixtureJson = async (): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(path.join(FIXTURE, 'session_meta.json'), 'utf8'));

const PORTRAIT = 'a portrait of a woman in a red';
const CABIN = 'a cabin in a snowy forest at d';
const oldName = (prefix: string, w: string, seed: number) => `${prefix}_w${w}_s${seed}_20240115_143022.png`;
/** Legacy file -> new file, from the fixture by hand: prompts portrait=0, cabin=1; seeds 898938..898941 = s0..s3. */
const EXPECTED_COPIES: Array<[string, string]> = [
  [oldName(PORTRAIT, '0.0', 898938), 'baseline_0_0.png'],
  [oldName(PORTRAIT, '0.5', 898938), 'lora_0_0_0.png'],
  [oldName(PORTRAIT, '0.0', 898940), 'baseline_0_2.png'],
  [oldName(PORTRAIT, '1.0', 898940), 'lora_0_2_1.png'],
  [oldName(CABIN, '0.0', 898939), 'baseline_1_1.png'],
  [oldName(CABIN, '0.5', 898939), 'lora_1_1_0.png'],
  [oldName(CABIN, '0.0', 898941), 'baseline_1_3.png'],
  [oldName(CABIN, '1.0', 898941), 'lora_1_3_1.png'],
];

/**
 * The 7 judgments worked out by hand from the fixture. Order (shuffled_results): 0 = cabin/898939/0.5 swap false
 * (baseline left), 1 = portrait/898938/0.5 swap true (LoRA left), 2 = cabin/898941/1.0 swap true, 3 =
 * portrait/898940/1.0 swap true. A = left image, B = right one. Each decisive winner agrees with the fixture's
 * `lora_better` (score 1: A on pair 0 = baseline, lora_better false; score 2: B = lora, true; score 3: A on pair 1 =
 * lora, true; score 4: B = baseline, false; score 6: A on pair 2 = lora, true).
 */
const EXPECTED_SCORES = [
  { pair_id: 'p1_s1_k0', metric: 'Quality', winner: 'tie', left: 'baseline', rating: null }, // same
  { pair_id: 'p1_s1_k0', metric: 'Style', winner: 'baseline', left: 'baseline', rating: null }, // A, swap false
  { pair_id: 'p1_s1_k0', metric: 'Coherence', winner: 'lora', left: 'baseline', rating: 5 }, // B, swap false
  { pair_id: 'p0_s0_k0', metric: 'Quality', winner: 'lora', left: 'lora', rating: 3 }, // A, swap true
  { pair_id: 'p0_s0_k0', metric: 'Style', winner: 'baseline', left: 'lora', rating: 1 }, // B, swap true
  { pair_id: 'p0_s0_k0', metric: 'Coherence', winner: 'tie', left: 'lora', rating: null }, // same
  { pair_id: 'p1_s3_k1', metric: 'Quality', winner: 'lora', left: 'lora', rating: 2 }, // A, swap true
];

let counter = 0;
const seqToken = () => (counter++).toString(16).padStart(32, '0');
const HEX32 = /^[a-f0-9]{32}$/;

async function copyFixture(): Promise<string> {
  const target = path.join(dir(), ID);
  await cp(FIXTURE, target, { recursive: true });
  // The fixture is read-only; the copy must be writable like a real session folder.
  await chmod(target, 0o755);
  await chmod(path.join(target, 'output'), 0o755);
  await chmod(path.join(target, 'session_meta.json'), 0o644);
  for (const f of await readdir(path.join(target, 'output'))) await chmod(path.join(target, 'output', f), 0o644);
  return target;
}

/** A session without its random tokens, for comparing two migrations. */
const withoutTokens = (s: Session) => ({
  ...s,
  step_2_generation: {
    ...s.step_2_generation,
    shuffled_results: s.step_2_generation.shuffled_results.map((p) => ({ ...p, token: '' })),
  },
});

describe('isLegacyV2', () => {
  it('accepts the fixture and refuses migrated sessions and non-objects', async () => {
    const legacy = await fixtureJson();
    expect(isLegacyV2(legacy)).toBe(true);
    expect(isLegacyV2({ ...legacy, schema_version: 2 })).toBe(false);
    expect(isLegacyV2({ step_2_generation: {} })).toBe(false);
    expect(isLegacyV2(null)).toBe(false);
    expect(isLegacyV2([legacy])).toBe(false);
    expect(isLegacyV2('step_1_setup')).toBe(false);
  });
});

describe('migrateLegacyV2 (pure)', () => {
  it('maps the fixture: setup, sparse grid of results, blind order, the 7 judgments', async () => {
    const { session, copies, warnings } = migrateLegacyV2(await fixtureJson(), ID, seqToken);
    expect(SessionSchema.parse(session)).toEqual(session);
    expect(warnings).toEqual([]);
    expect(session).toMatchObject({
      schema_version: 2,
      session_id: ID,
      timestamp: 1705308622.5,
      revision: 0,
      status: 'completed',
      notes: '',
      started_at: null,
      completed_at: null,
    });
    const setup = session.step_1_setup;
    expect(setup.lora_filename).toBe('my_lora.safetensors');
    expect(setup.checkpoint).toBe('');
    expect(setup.weight_range).toEqual([0.5, 1]);
    expect(setup.seeds).toEqual([898938, 898939, 898940, 898941]);
    expect(setup.metrics).toEqual(['Quality', 'Style', 'Coherence']);
    expect(setup.prompt_pairs).toEqual([
      { positive: 'a portrait of a woman in a red coat, city street', negative: '(worst quality, low quality:1.4)', append_trigger: false },
      { positive: 'a cabin in a snowy forest at dusk', negative: '(worst quality, low quality:1.4)', append_trigger: false },
    ]);

    const gen = session.step_2_generation;
    expect(gen.generation_started).toBe(true);
    expect(gen.generation_complete).toBe(true);
    expect(currentStep(session)).toBe(3);
    expect(gen.results.map((r) => [r.image_id, r.seed, r.strength, r.status])).toEqual([
      ['baseline_0_0', 898938, null, 'done'],
      ['lora_0_0_0', 898938, 0.5, 'done'],
      ['baseline_0_2', 898940, null, 'done'],
      ['lora_0_2_1', 898940, 1, 'done'],
      ['baseline_1_1', 898939, null, 'done'],
      ['lora_1_1_0', 898939, 0.5, 'done'],
      ['baseline_1_3', 898941, null, 'done'],
      ['lora_1_3_1', 898941, 1, 'done'],
    ]);
    for (const r of gen.results) expect(r.filename).toBe(`${r.image_id}.png`);
    expect(copies.map((c) => [c.from, c.to]).sort()).toEqual([...EXPECTED_COPIES].sort());

    expect(gen.shuffled_results.map((p) => [p.pair_id, p.left, p.baseline_image_id, p.lora_image_id, p.strength])).toEqual([
      ['p1_s1_k0', 'baseline', 'baseline_1_1', 'lora_1_1_0', 0.5],
      ['p0_s0_k0', 'lora', 'baseline_0_0', 'lora_0_0_0', 0.5],
      ['p1_s3_k1', 'lora', 'baseline_1_3', 'lora_1_3_1', 1],
      ['p0_s2_k1', 'lora', 'baseline_0_2', 'lora_0_2_1', 1],
    ]);
    const tokens = gen.shuffled_results.map((p) => p.token);
    for (const t of tokens) expect(t).toMatch(HEX32);
    expect(new Set(tokens).size).toBe(4);

    const ev = session.step_3_evaluation;
    expect(ev.scores.map(({ pair_id, metric, winner, left, rating }) => ({ pair_id, metric, winner, left, rating }))).toEqual(
      EXPECTED_SCORES,
    );
    for (const s of ev.scores) {
      expect(s.rater).toBe('default');
      expect(s.at).toBe(new Date(1705308622500).toISOString());
    }
    expect(ev.current_eval_index).toBe(2);
    expect(ev.current_metric_index).toBe(1);
    expect(ev.evaluation_complete).toBe(false);
  });

  it('the report counts the 7 judgments with ties on their own, none as a loss', async () => {
    const { session } = migrateLegacyV2(await fixtureJson(), ID, seqToken);
    const r = buildReport(session);
    expect(r.judgments).toBe(7);
    expect(r.scores_ignored).toBe(0);
    expect(r.pairs_total).toBe(4);
    expect(r.pairs_judged).toBe(3);
    expect(r.strengths).toEqual([0.5, 1]);
    // Pooled rows count each pair once. Strength 0.5: pair 0 is Quality LoRA, Style baseline, Coherence tie and pair 1
    // Quality tie, Style baseline, Coherence LoRA: each splits 1–1, a tie; strength 1.0: score 6 → LoRA.
    expect(r.pooled.map((c) => [c.strength, c.lora_wins, c.baseline_wins, c.ties, c.skips, c.n])).toEqual([
      [0.5, 0, 0, 2, 0, 0],
      [1, 1, 0, 0, 0, 1],
    ]);
    const cell = (metric: string, k: number) => r.cells.find((c) => c.metric === metric && c.strength_index === k)!;
    expect([cell('Quality', 0).lora_wins, cell('Quality', 0).ties, cell('Quality', 0).baseline_wins]).toEqual([1, 1, 0]);
    expect([cell('Style', 0).lora_wins, cell('Style', 0).ties, cell('Style', 0).baseline_wins]).toEqual([0, 0, 2]);
    expect([cell('Coherence', 0).lora_wins, cell('Coherence', 0).ties, cell('Coherence', 0).baseline_wins]).toEqual([1, 1, 0]);
    // Decisive picks by side: scores 1, 3, 6 chose the left image; 2 and 4 the right.
    expect([r.position_bias.left_picks, r.position_bias.right_picks]).toEqual([3, 2]);
  });

  it('treats a skip as a skip and keeps stars only when given as 1–5', async () => {
    const json = await fixtureJson();
    const scores = (json.step_3_evaluation as { scores: Array<Record<string, unknown>> }).scores;
    scores[1] = { ...scores[1], choice: 'skip', lora_better: null, stars: null };
    scores[3] = { ...scores[3], stars: 7 };
    const { session, warnings } = migrateLegacyV2(json, ID, seqToken);
    expect(session.step_3_evaluation.scores[1]!.winner).toBe('skip');
    expect(session.step_3_evaluation.scores[3]!.rating).toBeNull();
    expect(warnings.join(' ')).toMatch(/stars 7/);
    const report = buildReport(session);
    const quality = report.cells.find((c) => c.metric === 'Style' && c.strength_index === 0)!;
    expect([quality.baseline_wins, quality.skips]).toEqual([1, 1]);
    // Pair 0 without its Style verdict: Quality LoRA, Coherence tie, so the LoRA wins the pair; pair 1 still ties.
    const pooled = report.pooled[0]!;
    expect([pooled.lora_wins, pooled.baseline_wins, pooled.ties, pooled.skips]).toEqual([1, 0, 1, 0]);
  });

  it('reads weight_range as [min, max, step] when nothing was generated yet', async () => {
    const json = await fixtureJson();
    (json.step_1_setup as Record<string, unknown>).weight_range = [0, 1, 0.25];
    json.step_2_generation = { generation_complete: false, generating: false, results: [], shuffled_results: [] };
    json.step_3_evaluation = { evaluation_complete: false, current_eval_index: 0, current_metric_index: 0, scores: [] };
    const { session } = migrateLegacyV2(json, ID, seqToken);
    expect(session.step_1_setup.weight_range).toEqual([0.25, 0.5, 0.75, 1]);
    expect(session.step_1_setup.seeds).toEqual([898938]);
    expect(session.status).toBe('pending');
    expect(currentStep(session)).toBe(1);
  });

  it('marks generation interrupted when the tool was still generating', async () => {
    const json = await fixtureJson();
    Object.assign(json.step_2_generation as object, { generating: true, generation_complete: false });
    const { session } = migrateLegacyV2(json, ID, seqToken);
    expect(session.status).toBe('interrupted');
    expect(session.step_2_generation.generation_complete).toBe(false);
    expect(session.step_2_generation.generation_started).toBe(true);
  });

  it('names the field when the legacy JSON is unusable', async () => {
    const noPath = await fixtureJson();
    const r0 = (noPath.step_2_generation as { results: Array<{ lora: Record<string, unknown> }> }).results[0]!;
    delete r0.lora.image_path;
    expect(() => migrateLegacyV2(noPath, ID, seqToken)).toThrow(/step_2_generation results #1 lora image_path: /);

    const badSeed = await fixtureJson();
    (badSeed.step_2_generation as { results: Array<Record<string, unknown>> }).results[1]!.seed = 1.5;
    expect(() => migrateLegacyV2(badSeed, ID, seqToken)).toThrow(/step_2_generation results #2 seed: seeds must be whole numbers/);

    expect(() => migrateLegacyV2({ step_1_setup: 'x' }, ID, seqToken)).toThrow(/step_1_setup/);
    expect(() => migrateLegacyV2({ schema_version: 2, step_1_setup: {} }, ID, seqToken)).toThrow(/not a session of the original tool/);
  });

  it('with a missing image of the current pair, restarts at the next pair', async () => {
    const json = await fixtureJson();
    const missing = [`./sessions/${ID}/output/${oldName(CABIN, '1.0', 898941)}`]; // lora of pair 2 (the current one)
    const { session, copies } = migrateLegacyV2(json, ID, seqToken, { missing });
    expect(session.step_2_generation.results.find((r) => r.image_id === 'lora_1_3_1')).toMatchObject({
      status: 'failed',
      error: `missing file ${oldName(CABIN, '1.0', 898941)}`,
    });
    expect(copies.map((c) => c.to)).not.toContain('lora_1_3_1.png');
    expect(session.step_2_generation.shuffled_results.map((p) => p.pair_id)).toEqual(['p1_s1_k0', 'p0_s0_k0', 'p0_s2_k1']);
    expect(session.step_3_evaluation.scores).toHaveLength(6);
    expect(session.step_3_evaluation.current_eval_index).toBe(2);
    expect(session.step_3_evaluation.current_metric_index).toBe(0);
    expect(session.notes).toMatch(/missing file/);
  });
});

describe('migrateLegacyFolder', () => {
  it('copies images under their new names, keeps the originals and the original JSON, and loads', async () => {
    const folder = await copyFixture();
    const session = await migrateLegacyFolder(ID);
    expect(SessionSchema.parse(session)).toEqual(session);

    for (const [from, to] of EXPECTED_COPIES) {
      const original = await readFile(path.join(FIXTURE, 'output', from));
      expect(await readFile(path.join(folder, 'output', to))).toEqual(original);
      expect(await readFile(path.join(folder, 'output', from))).toEqual(original); // still there
    }
    expect(await readFile(path.join(folder, LEGACY_BACKUP_FILE))).toEqual(await readFile(path.join(FIXTURE, 'session_meta.json')));

    expect(await loadSession(ID)).toEqual(session);
    const row = (await listSessions()).find((s) => s.session_id === ID)!;
    expect(row).toMatchObject({ damaged: false, lora_filename: 'my_lora.safetensors', step: 3, judgments: 7, pairs_total: 4 });

    // Evaluation resumes at the third pair, with its first metric prefilled (LoRA left, "A" → left).
    const view = evaluationView(session);
    expect(view).toMatchObject({ index: 2, total: 4, judged: 3, complete: false, answered: { Quality: 'left' } });
    expect(session.step_3_evaluation.scores.map((s) => s.winner)).toEqual(EXPECTED_SCORES.map((s) => s.winner));
    expect(buildReport(session).judgments).toBe(7);
  });

  it('after a crash between steps, a second run gives the same session and keeps the first original', async () => {
    const clean = migrateLegacyV2(await fixtureJson(), ID, seqToken).session;

    const folder = await copyFixture();
    const originalMeta = await readFile(path.join(FIXTURE, 'session_meta.json'));
    // Simulated crash: the v1 copy is written, one image copied, one half-written, the meta not yet replaced.
    await writeFile(path.join(folder, LEGACY_BACKUP_FILE), originalMeta);
    await writeFile(path.join(folder, 'output', 'baseline_0_0.png'), await readFile(path.join(FIXTURE, 'output', EXPECTED_COPIES[0]![0])));
    await writeFile(path.join(folder, 'output', 'lora_0_0_0.png'), Buffer.from('half a png'));

    const session = await migrateLegacyFolder(ID);
    expect(withoutTokens(session)).toEqual(withoutTokens(clean));
    for (const [from, to] of EXPECTED_COPIES) {
      expect(await readFile(path.join(folder, 'output', to))).toEqual(await readFile(path.join(FIXTURE, 'output', from)));
    }
    expect(await readFile(path.join(folder, LEGACY_BACKUP_FILE))).toEqual(originalMeta);
    expect(await loadSession(ID)).toEqual(session);
  });

  it('does not overwrite an existing session_meta.v1.json (the very first original)', async () => {
    const folder = await copyFixture();
    await writeFile(path.join(folder, LEGACY_BACKUP_FILE), 'the very first original');
    await migrateLegacyFolder(ID);
    expect(await readFile(path.join(folder, LEGACY_BACKUP_FILE), 'utf8')).toBe('the very first original');
  });

  it('marks a missing image failed, leaves its pairs and their judgments out, and says so', async () => {
    const folder = await copyFixture();
    const gone = oldName(PORTRAIT, '0.0', 898938); // baseline of pair 1 (p0_s0_k0), judged 3 times
    await rm(path.join(folder, 'output', gone));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const session = await migrateLegacyFolder(ID);
      expect(SessionSchema.parse(session)).toEqual(session);
      expect(session.step_2_generation.results.find((r) => r.image_id === 'baseline_0_0')).toMatchObject({
        status: 'failed',
        error: `missing file ${gone}`,
      });
      expect(session.step_2_generation.results.filter((r) => r.status === 'done')).toHaveLength(7);
      expect(session.step_2_generation.shuffled_results.map((p) => p.pair_id)).toEqual(['p1_s1_k0', 'p1_s3_k1', 'p0_s2_k1']);
      expect(session.step_3_evaluation.scores.map((s) => s.pair_id)).toEqual([
        'p1_s1_k0',
        'p1_s1_k0',
        'p1_s1_k0',
        'p1_s3_k1',
      ]);
      // The next judgment was legacy pair 2, metric 2; one pair before it was left out.
      expect(session.step_3_evaluation.current_eval_index).toBe(1);
      expect(session.step_3_evaluation.current_metric_index).toBe(1);
      expect(session.notes).toContain(`missing file ${gone}`);
      expect(session.notes).toMatch(/1 pair\(s\) left out .*p0_s0_k0.*3 judgment\(s\) on them dropped/);
      expect(warn).toHaveBeenCalled();
      await expect(stat(path.join(folder, 'output', 'baseline_0_0.png'))).rejects.toThrow();
      await expect(stat(path.join(folder, 'output', 'lora_0_0_0.png'))).resolves.toBeTruthy();
      expect(await loadSession(ID)).toEqual(session);
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses a folder that is already migrated', async () => {
    await copyFixture();
    await migrateLegacyFolder(ID);
    await expect(migrateLegacyFolder(ID)).rejects.toThrow(/not a session of the original tool/);
  });
});

describe('importLegacyV1', () => {
  /** The tool's working directory is the parent of SESSIONS_DIR; v1 kept its images in ./outputs/ there. */
  async function makeV1(): Promise<{ file: string; bytes: Buffer; root: string }> {
    const root = path.dirname(dir());
    const sessions = dir();
    const images = path.join(root, `v1-outputs-${path.basename(sessions)}`);
    await mkdir(images, { recursive: true });
    for (const [from] of EXPECTED_COPIES) await cp(path.join(FIXTURE, 'output', from), path.join(images, from));
    const text = (await readFile(path.join(FIXTURE, 'session_meta.json'), 'utf8')).replaceAll(
      `./sessions/${ID}/output/`,
      `./${path.basename(images)}/`,
    );
    const json = JSON.parse(text);
    delete json.session_id;
    const bytes = Buffer.from(JSON.stringify(json, null, 4));
    const file = path.join(sessions, 'current_session.json');
    await writeFile(file, bytes);
    return { file, bytes, root: images };
  }

  it('returns null when there is no current_session.json', async () => {
    expect(await importLegacyV1()).toBeNull();
    expect(await listSessions()).toEqual([]);
  });

  it('imports the file once as a new session and renames it', async () => {
    const { file, bytes, root } = await makeV1();
    try {
      const session = (await importLegacyV1())!;
      expect(session).not.toBeNull();
      expect(session.session_id).not.toBe(ID);
      expect(SessionSchema.parse(session)).toEqual(session);
      expect(await loadSession(session.session_id)).toEqual(session);
      expect(session.step_3_evaluation.scores.map((s) => s.winner)).toEqual(EXPECTED_SCORES.map((s) => s.winner));
      expect(session.step_3_evaluation.current_eval_index).toBe(2);
      expect(session.notes).toMatch(/Imported from the original tool's current_session\.json/);

      const folder = path.join(dir(), session.session_id);
      for (const [from, to] of EXPECTED_COPIES) {
        expect(await readFile(path.join(folder, 'output', to))).toEqual(await readFile(path.join(FIXTURE, 'output', from)));
        await expect(stat(path.join(root, from))).resolves.toBeTruthy(); // originals stay
      }
      expect(await readFile(path.join(folder, LEGACY_BACKUP_FILE))).toEqual(bytes);
      await expect(stat(file)).rejects.toThrow();
      expect(await readFile(`${file}.imported`)).toEqual(bytes);

      expect(await importLegacyV1()).toBeNull();
      const rows = await listSessions();
      expect(rows.map((r) => r.session_id)).toEqual([session.session_id]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('refuses an unusable file without creating a session or renaming it', async () => {
    const file = path.join(dir(), 'current_session.json');
    await writeFile(file, JSON.stringify({ step_1_setup: { prompt_pairs: [{ negative: 'x' }] } }));
    await expect(importLegacyV1()).rejects.toThrow(/step_1_setup prompt_pairs #1/);
    expect(await listSessions()).toEqual([]);
    await expect(stat(file)).resolves.toBeTruthy();
  });
});
