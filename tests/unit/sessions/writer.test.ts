import { appendFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as judgmentsRoute from '@/app/api/sessions/[id]/judgments/route';
import * as ratersRoute from '@/app/api/sessions/[id]/raters/route';
import * as eventLog from '@/lib/sessions/event-log';
import { raterAddedEvent } from '@/lib/evaluation/raters';
import { applyEvent } from '@/lib/sessions/events';
import { currentStep, SessionSchema } from '@/lib/sessions/schema';
import { createSession, loadSession } from '@/lib/sessions/store';
import { commit } from '@/lib/sessions/writer';
import { generatedSession } from '../../helpers/generated-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';

// Counts the appends (one fsync each), to see that concurrent commits share them, and can make one fail.
vi.mock('@/lib/sessions/event-log', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/sessions/event-log')>();
  return { ...real, appendEvents: vi.fn(real.appendEvents) };
});

const dir = tempSessionsDir();
const at = (iso: string) => new Date(iso);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const post = (body: unknown) => new Request('http://t/api', { method: 'POST', body: JSON.stringify(body) });
const metaOf = async (id: string) => SessionSchema.parse(JSON.parse(await readFile(path.join(dir(), id, 'session_meta.json'), 'utf8')));
const logOf = (id: string) => readFile(path.join(dir(), id, eventLog.EVENT_LOG_FILE), 'utf8').catch(() => '');
const notes = (text: string) => () => ({ kind: 'notes_saved' as const, notes: text });
const addSeed = (seed: number) => (s: { step_1_setup: { seeds: number[] } }) => ({
  kind: 'setup_saved' as const,
  setup: { ...structuredClone(s.step_1_setup), seeds: [...s.step_1_setup.seeds, seed] } as never,
});

/** A completed session with `raters` raters started through the route. */
async function rated(raters: number) {
  const s = generatedSession();
  await mkdir(path.join(dir(), s.session_id, 'output'), { recursive: true });
  await writeFile(path.join(dir(), s.session_id, 'session_meta.json'), JSON.stringify(s));
  const names = Array.from({ length: raters }, (_, i) => `r${i}`);
  for (const name of names) expect((await ratersRoute.POST(post({ name }), ctx({ id: s.session_id }))).status).toBe(200);
  return { id: s.session_id, names, pairs: s.step_2_generation.shuffled_results.length };
}

describe('the session writer', () => {
  it('records each change as one event, bumps the revision, and loads what it recorded', async () => {
    const s = await createSession(at('2024-05-05T05:05:05'));
    expect(currentStep(s)).toBe(1);
    const saved = await commit(s.session_id, (d) => [addSeed(7)(d), { kind: 'notes_saved', notes: 'first try' }], { baseRevision: 0 });
    expect(saved.revision).toBe(2);
    expect(await loadSession(s.session_id)).toEqual(saved);
    const lines = (await logOf(s.session_id)).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.rev, l.event.kind])).toEqual([
      [1, 'setup_saved'],
      [2, 'notes_saved'],
    ]);
    // Nothing to change is no event and no revision.
    expect((await commit(s.session_id, () => null)).revision).toBe(2);
  });

  it('refuses a stale base revision with 409 and records nothing', async () => {
    const s = await createSession(at('2024-06-06T06:06:06'));
    await commit(s.session_id, notes('tab A'), { baseRevision: 0 });
    const [meta, log] = [await readFile(path.join(dir(), s.session_id, 'session_meta.json'), 'utf8'), await logOf(s.session_id)];
    const err = await commit(s.session_id, notes('tab B'), { baseRevision: 0 }).catch((e) => e);
    expect(err).toMatchObject({ code: 'conflict', status: 409 });
    expect(await readFile(path.join(dir(), s.session_id, 'session_meta.json'), 'utf8')).toBe(meta);
    expect(await logOf(s.session_id)).toBe(log);
  });

  it('refuses an event that breaks the schema, and a Setup change after the start (locked), recording nothing', async () => {
    const s = await createSession(at('2024-07-07T07:07:07'));
    await expect(commit(s.session_id, addSeed(1.5))).rejects.toMatchObject({ name: 'ZodError' });
    expect(await logOf(s.session_id)).toBe('');
    const started = generatedSession('20240707_070708');
    await mkdir(path.join(dir(), started.session_id, 'output'), { recursive: true });
    await writeFile(path.join(dir(), started.session_id, 'session_meta.json'), JSON.stringify(started));
    await expect(commit(started.session_id, addSeed(5))).rejects.toMatchObject({ code: 'locked' });
    // Saving the same Setup again is allowed (autosave of an untouched form).
    await expect(commit(started.session_id, (d) => ({ kind: 'setup_saved', setup: d.step_1_setup }))).resolves.toBeTruthy();
  });

  it('group-commits: concurrent commits share appends, and each lands or fails as if it ran alone', async () => {
    const s = await createSession(at('2024-08-09T08:08:08'));
    const appends = vi.mocked(eventLog.appendEvents);
    const before = appends.mock.calls.length;
    const calls = Array.from({ length: 30 }, (_, i) =>
      commit(s.session_id, (d) => {
        if (i % 10 === 3) throw new Error(`call ${i} refused`);
        return addSeed(i)(d);
      }),
    );
    // Stale by the time it runs: the calls before it count revisions.
    const stale = commit(s.session_id, notes('stale'), { baseRevision: 0 });
    const settled = await Promise.allSettled([...calls, stale]);
    const refused = settled.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(refused).toEqual([3, 13, 23, 30]);
    const landed = Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 10 !== 3);
    const loaded = await loadSession(s.session_id);
    expect(loaded.revision).toBe(landed.length);
    expect(loaded.step_1_setup.seeds).toEqual(landed);
    expect(loaded.notes).toBe('');
    const writes = appends.mock.calls.length - before;
    expect(writes).toBeGreaterThan(0);
    expect(writes).toBeLessThan(landed.length);
  });

  it('answers only once the event is on disk; a failed append refuses the batch and forgets it in memory', async () => {
    const s = await createSession(at('2024-08-10T08:08:08'));
    await commit(s.session_id, notes('kept'));
    expect(await logOf(s.session_id)).toContain('"notes":"kept"');
    vi.mocked(eventLog.appendEvents).mockRejectedValueOnce(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    await expect(commit(s.session_id, notes('lost'))).rejects.toMatchObject({ code: 'ENOSPC' });
    const after = await loadSession(s.session_id);
    expect(after.notes).toBe('kept');
    expect(after.revision).toBe(1);
    await expect(commit(s.session_id, notes('again'))).resolves.toMatchObject({ notes: 'again', revision: 2 });
  });

  it('writes judgments to the log only, and folds them into session_meta.json once idle', async () => {
    const { id, names, pairs } = await rated(4);
    const metaBefore = await readFile(path.join(dir(), id, 'session_meta.json'), 'utf8');
    await Promise.all(
      names.map(async (rater) => {
        for (let index = 0; index < pairs; index++) {
          const res = await judgmentsRoute.POST(post({ index, choices: { Quality: 'left', Style: 'tie', Coherence: 'right' }, rater }), ctx({ id }));
          expect(res.status).toBe(200);
        }
      }),
    );
    // Not folded yet: the snapshot lacks what the session holds.
    expect(await readFile(path.join(dir(), id, 'session_meta.json'), 'utf8')).toBe(metaBefore);
    const loaded = await loadSession(id);
    expect(loaded.step_3_evaluation.scores).toHaveLength(names.length * pairs * 3);
    await sleep(1500);
    const folded = await metaOf(id);
    expect({ ...folded, log_offset: 0 }).toEqual({ ...loaded, log_offset: 0 });
    expect(folded.log_offset).toBe((await stat(path.join(dir(), id, eventLog.EVENT_LOG_FILE))).size);
  });

  it('ignores a torn last line, and does not apply twice what the snapshot already holds', async () => {
    const { id } = await rated(2);
    for (const name of ['r0', 'r1']) {
      await commit(id, () => ({ kind: 'judge', input: { index: 0, choices: { Quality: 'left', Style: 'tie', Coherence: 'right' }, rater: name }, at: 'x' }));
    }
    const expected = await loadSession(id);
    const log = path.join(dir(), id, eventLog.EVENT_LOG_FILE);
    await appendFile(log, '{"rev":99999,"at":"x","event":{"kind":"ju');
    expect(await loadSession(id)).toEqual(expected);
    // A snapshot that holds every event but says it holds none of the log (a crash right after the fold's rename of
    // an older version): the revisions tell which entries to skip.
    await writeFile(path.join(dir(), id, 'session_meta.json'), JSON.stringify({ ...expected, log_offset: 0 }));
    expect({ ...(await loadSession(id)), log_offset: expected.log_offset }).toEqual(expected);
    // The next event overwrites the torn tail.
    await commit(id, notes('after'));
    expect((await readFile(log, 'utf8')).includes('"ju\n')).toBe(false);
    expect((await loadSession(id)).revision).toBe(expected.revision + 1);
  });

  it('reads the files again when someone else changed them, and reports a bad log line or a gap as damaged', async () => {
    const { id } = await rated(1);
    await commit(id, notes('mine'));
    const file = path.join(dir(), id, 'session_meta.json');
    const edited = { ...(await loadSession(id)), notes: 'edited by hand', revision: 99, log_offset: 0 };
    await writeFile(file, JSON.stringify(edited));
    expect((await loadSession(id)).notes).toBe('edited by hand');
    await appendFile(path.join(dir(), id, eventLog.EVENT_LOG_FILE), 'not json\n');
    await expect(loadSession(id)).rejects.toMatchObject({ code: 'damaged', details: { file: 'events.jsonl', where: expect.stringMatching(/^line \d+$/) } });
    await writeFile(path.join(dir(), id, eventLog.EVENT_LOG_FILE), `${JSON.stringify({ rev: 101, at: 'x', event: { kind: 'notes_saved', notes: 'gap' } })}\n`);
    await expect(loadSession(id)).rejects.toMatchObject({ code: 'damaged', message: expect.stringMatching(/skips from revision 99 to 101/) });
  });

  it("replays the previous store's judgment journal, left by the version before, and removes it once folded", async () => {
    const s = generatedSession();
    applyEvent(s, raterAddedEvent(s, 'r0')!, 'x');
    await mkdir(path.join(dir(), s.session_id, 'output'), { recursive: true });
    await writeFile(path.join(dir(), s.session_id, 'session_meta.json'), JSON.stringify(s));
    const journal = path.join(dir(), s.session_id, eventLog.LEGACY_JOURNAL_FILE);
    const op = (index: number) => ({ kind: 'judge', input: { index, choices: { Quality: 'left', Style: 'tie', Coherence: 'right' }, rater: 'r0' }, at: 'x' });
    await writeFile(journal, [1, 2].map((k) => JSON.stringify({ rev: s.revision + k, op: op(k - 1) })).join('\n') + '\n');
    const replayed = await loadSession(s.session_id);
    expect(replayed.revision).toBe(s.revision + 2);
    expect(replayed.step_3_evaluation.raters[0]!.current_eval_index).toBe(2);
    await commit(s.session_id, notes('fold me'));
    await sleep(1500);
    await expect(stat(journal)).rejects.toThrow();
    const folded = await metaOf(s.session_id);
    expect(folded.step_3_evaluation.raters[0]!.current_eval_index).toBe(2);
    expect(folded.revision).toBe(s.revision + 3);
  });
});
