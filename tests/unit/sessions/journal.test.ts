import { access, appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as undoRoute from '@/app/api/sessions/[id]/judgments/last/route';
import * as judgmentsRoute from '@/app/api/sessions/[id]/judgments/route';
import * as ratersRoute from '@/app/api/sessions/[id]/raters/route';
import { SessionSchema } from '@/lib/sessions/schema';
import { JOURNAL_FILE } from '@/lib/sessions/journal';
import { loadSession, updateSession } from '@/lib/sessions/store';
import { generatedSession } from '../../helpers/generated-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const dir = tempSessionsDir();
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const post = (body: unknown) => new Request('http://t/api', { method: 'POST', body: JSON.stringify(body) });
const choices = { Quality: 'left', Style: 'tie', Coherence: 'right' };
const exists = (p: string) => access(p).then(() => true, () => false);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function seed(raters: number) {
  const s = generatedSession();
  await mkdir(path.join(dir(), s.session_id, 'output'), { recursive: true });
  await writeFile(path.join(dir(), s.session_id, 'session_meta.json'), JSON.stringify(s));
  const names = Array.from({ length: raters }, (_, i) => `r${i}`);
  for (const name of names) expect((await ratersRoute.POST(post({ name }), ctx({ id: s.session_id }))).status).toBe(200);
  return { id: s.session_id, names, pairs: s.step_2_generation.shuffled_results.length, folder: path.join(dir(), s.session_id) };
}

/** Every rater judges its pairs one after another, all raters at once: after the first batch, batches queue up. */
async function judgeAll(id: string, names: string[], pairs: number): Promise<number> {
  let ok = 0;
  await Promise.all(
    names.map(async (rater) => {
      for (let index = 0; index < pairs; index++) {
        const res = await judgmentsRoute.POST(post({ index, choices, rater }), ctx({ id }));
        expect(res.status).toBe(200);
        expect((await res.json()).index).toBe(index + 1);
        ok++;
      }
    }),
  );
  return ok;
}

describe('judgment journal', () => {
  it('under load judgments go to the journal, every one is read back, and the journal is folded in when idle', async () => {
    const { id, names, pairs, folder } = await seed(8);
    const before = (await loadSession(id)).revision;
    const ok = await judgeAll(id, names, pairs);
    expect(ok).toBe(8 * pairs);
    // Not folded yet: the session file alone lacks judgments that loadSession has.
    expect(await exists(path.join(folder, JOURNAL_FILE))).toBe(true);
    const onlyFile = SessionSchema.parse(JSON.parse(await readFile(path.join(folder, 'session_meta.json'), 'utf8')));
    const loaded = await loadSession(id);
    expect(onlyFile.step_3_evaluation.scores.length).toBeLessThan(loaded.step_3_evaluation.scores.length);
    expect(loaded.step_3_evaluation.scores).toHaveLength(8 * pairs * 3);
    expect(loaded.revision).toBe(before + 8 * pairs);
    expect(loaded.step_3_evaluation.raters.map((r) => r.current_eval_index)).toEqual(names.map(() => pairs));
    await sleep(1500);
    expect(await exists(path.join(folder, JOURNAL_FILE))).toBe(false);
    const folded = SessionSchema.parse(JSON.parse(await readFile(path.join(folder, 'session_meta.json'), 'utf8')));
    expect(folded).toEqual(SessionSchema.parse(loaded));
  });

  it('a full write folds the journal in; undo goes through the journal too', async () => {
    const { id, names, pairs, folder } = await seed(4);
    await judgeAll(id, names, pairs);
    const undo = await Promise.all(names.map((rater) => undoRoute.DELETE(new Request(`http://t/api?rater=${rater}&index=${pairs}`, { method: 'DELETE' }), ctx({ id }))));
    expect(undo.map((r) => r.status)).toEqual(names.map(() => 200));
    await updateSession(id, (d) => void (d.notes = 'folded'));
    expect(await exists(path.join(folder, JOURNAL_FILE))).toBe(false);
    const s = SessionSchema.parse(JSON.parse(await readFile(path.join(folder, 'session_meta.json'), 'utf8')));
    expect(s.notes).toBe('folded');
    expect(s.step_3_evaluation.scores).toHaveLength(4 * (pairs - 1) * 3);
    expect(s.step_3_evaluation.raters.map((r) => r.current_eval_index)).toEqual(names.map(() => pairs - 1));
  });

  it('a torn last line (a crash mid-append, never acknowledged) is ignored, and entries the file holds are not applied twice', async () => {
    const { id, names, pairs, folder } = await seed(4);
    await judgeAll(id, names, pairs);
    const journal = path.join(folder, JOURNAL_FILE);
    const lines = (await readFile(journal, 'utf8')).trim().split('\n');
    const expected = await loadSession(id);
    await appendFile(journal, '{"rev":99999,"op":{"kind":"ju');
    expect(await loadSession(id)).toEqual(expected);
    // A crash between the fold's write and the journal's removal: the file holds every entry already.
    await writeFile(path.join(folder, 'session_meta.json'), JSON.stringify(expected));
    await writeFile(journal, `${lines.join('\n')}\n`);
    expect(await loadSession(id)).toEqual(expected);
    // The next update starts from that state and folds the journal away.
    await updateSession(id, (d) => void (d.notes = 'after'));
    const after = await loadSession(id);
    expect(after.step_3_evaluation.scores).toEqual(expected.step_3_evaluation.scores);
    expect(after.revision).toBe(expected.revision + 1);
  });

  it('a journal line that is not an entry, or a gap in revisions, makes the session damaged', async () => {
    const { id, folder } = await seed(1);
    const journal = path.join(folder, JOURNAL_FILE);
    await writeFile(journal, 'not json\n');
    await expect(loadSession(id)).rejects.toMatchObject({ code: 'damaged' });
    const rev = (JSON.parse(await readFile(path.join(folder, 'session_meta.json'), 'utf8')) as { revision: number }).revision;
    await writeFile(journal, `${JSON.stringify({ rev: rev + 2, op: { kind: 'undo', rater: 'r0' } })}\n`);
    await expect(loadSession(id)).rejects.toMatchObject({ code: 'damaged', message: expect.stringMatching(/skips/) });
  });
});
