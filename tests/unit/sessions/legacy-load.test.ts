import { cp, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sessionLabel } from '@/lib/client/labels';
import { evaluationView } from '@/lib/evaluation/blind';
import { buildReport } from '@/lib/report/report';
import { readSessionImage } from '@/lib/sessions/images';
import { openSession } from '@/lib/sessions/migrate';
import { listSessions, loadSession } from '@/lib/sessions/store';
import { commit } from '@/lib/sessions/writer';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/legacy-v2/20240115_143022');
const dir = tempSessionsDir();

describe('a session folder of the original Python tool', () => {
  it('is listed as "20240115_143022 - my_lora.safetensors (01/15 …)" at step 3 without a byte written; Load migrates it', async () => {
    await cp(FIXTURE, path.join(dir(), '20240115_143022'), { recursive: true });
    const original = await readFile(path.join(FIXTURE, 'session_meta.json'));
    const files = async () => (await readdir(path.join(dir(), '20240115_143022'), { recursive: true })).map(String).sort();
    const before = await files();
    const [row] = await listSessions();
    expect(row).toMatchObject({ damaged: false, legacy: true, session_id: '20240115_143022', lora_filename: 'my_lora.safetensors', step: 3 });
    expect(sessionLabel(row!)).toMatch(/^20240115_143022 - my_lora\.safetensors \(01\/15 \d\d:\d\d\)$/);
    // Reading it (list, load) writes nothing: it asks to be migrated.
    await expect(loadSession('20240115_143022')).rejects.toMatchObject({ code: 'needs_migration' });
    expect(await files()).toEqual(before);
    expect((await readFile(path.join(dir(), '20240115_143022', 'session_meta.json'))).equals(original)).toBe(true);

    const opened = await openSession('20240115_143022');
    expect(opened.step_3_evaluation.scores).toHaveLength(7);
    expect((await readFile(path.join(dir(), '20240115_143022', 'session_meta.v1.json'))).equals(original)).toBe(true);
    expect(await readdir(path.join(dir(), '20240115_143022', 'output'))).toContain('baseline_0_0.png');
    expect((await listSessions())[0]).toMatchObject({ legacy: false, step: 3 });
    // Opening it again is a plain load.
    expect(await openSession('20240115_143022')).toEqual(await loadSession('20240115_143022'));
  });

  it('shows its images, keeps its 7 judgments, continues at the next one, and reports ties apart', async () => {
    await cp(FIXTURE, path.join(dir(), '20240115_143022'), { recursive: true });
    const s = await openSession('20240115_143022');
    expect(s.step_3_evaluation.scores).toHaveLength(7);
    for (const r of s.step_2_generation.results) expect((await readSessionImage(s.session_id, r.filename)).length).toBeGreaterThan(0);
    const view = evaluationView(s);
    expect(view).toMatchObject({ index: 2, total: 4, complete: false });
    // Pair 3 has its Quality verdict from the original tool; the screen starts with it filled in.
    expect(Object.keys(view.answered)).toEqual(['Quality']);
    const after = await commit(s.session_id, () => ({
      kind: 'judge',
      input: { index: 2, choices: { ...view.answered, Style: 'tie', Coherence: 'left' } },
      at: '2026-01-01T00:00:00Z',
    }));
    // The half-judged pair is now whole: 7 - 1 + 3 scores, nothing doubled.
    expect(after.step_3_evaluation.scores).toHaveLength(9);
    expect(after.step_3_evaluation.current_eval_index).toBe(3);
    const report = buildReport(after);
    const cells = report.cells;
    const ties = cells.reduce((n, c) => n + c.ties, 0);
    const decisive = cells.reduce((n, c) => n + c.n, 0);
    expect(ties + decisive + cells.reduce((n, c) => n + c.skips, 0)).toBe(9);
    expect(ties).toBe(3);
    // The pooled rows count each of the 3 judged pairs once.
    expect(report.pooled.reduce((n, c) => n + c.n + c.ties + c.skips + c.both_bad, 0)).toBe(3);
  });
});
