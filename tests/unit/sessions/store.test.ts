import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionSchema } from '@/lib/sessions/schema';
import { createSession, formatSessionId, listSessions, loadSession } from '@/lib/sessions/store';
import { commit } from '@/lib/sessions/writer';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const dir = tempSessionsDir();
const at = (iso: string) => new Date(iso);

describe('session store', () => {
  it('creates YYYYMMDD_HHMMSS from local time with output/ and a valid session_meta.json', async () => {
    const when = new Date(2024, 0, 15, 14, 30, 22, 500);
    const s = await createSession(when);
    expect(s.session_id).toBe('20240115_143022');
    expect(formatSessionId(when)).toBe('20240115_143022');
    expect(s.timestamp).toBeCloseTo(when.getTime() / 1000, 3);
    expect(s.revision).toBe(0);
    expect(s.status).toBe('pending');
    const files = await readdir(path.join(dir(), s.session_id));
    expect(files.sort()).toEqual(['output', 'session_meta.json']);
    const raw = JSON.parse(await readFile(path.join(dir(), s.session_id, 'session_meta.json'), 'utf8'));
    expect(SessionSchema.parse(raw)).toEqual(s);
    expect(raw.schema_version).toBe(2);
  });

  it('gives same-second sessions _2, _3 and never reuses a folder, even when created concurrently', async () => {
    const when = at('2024-03-01T10:00:00');
    const made = await Promise.all([1, 2, 3, 4].map(() => createSession(when)));
    const ids = made.map((s) => s.session_id).sort();
    expect(ids).toEqual(['20240301_100000', '20240301_100000_2', '20240301_100000_3', '20240301_100000_4']);
  });

  it('lists newest first, with _10 after _9, and lists a damaged folder with its reason', async () => {
    await createSession(at('2024-01-01T09:00:00'));
    await createSession(at('2024-02-01T09:00:00'));
    for (let i = 0; i < 10; i++) await createSession(at('2024-02-01T09:30:00'));
    await mkdir(path.join(dir(), '20240301_120000'));
    await writeFile(path.join(dir(), '20240301_120000', 'session_meta.json'), '{ not json');
    await mkdir(path.join(dir(), '20240301_130000'));
    await mkdir(path.join(dir(), 'not-a-session'));
    const list = await listSessions();
    expect(list.map((s) => s.session_id)).toEqual([
      '20240301_130000',
      '20240301_120000',
      '20240201_093000_10',
      '20240201_093000_9',
      '20240201_093000_8',
      '20240201_093000_7',
      '20240201_093000_6',
      '20240201_093000_5',
      '20240201_093000_4',
      '20240201_093000_3',
      '20240201_093000_2',
      '20240201_093000',
      '20240201_090000',
      '20240101_090000',
    ]);
    const damaged = list.filter((s) => s.damaged);
    expect(damaged).toHaveLength(2);
    expect(damaged[0]).toMatchObject({ session_id: '20240301_130000', file: 'session_meta.json', reason: 'session_meta.json of 20240301_130000 is missing' });
    expect(damaged[1]).toMatchObject({ session_id: '20240301_120000', file: 'session_meta.json', where: null, reason: expect.stringContaining('not valid JSON') });
  });

  it('lists an empty or missing data directory as no sessions', async () => {
    expect(await listSessions()).toEqual([]);
    process.env.SESSIONS_DIR = path.join(dir(), 'missing');
    expect(await listSessions()).toEqual([]);
  });

  it('answers not_found for a missing session and bad_request for a path-like id', async () => {
    await expect(loadSession('20991231_235959')).rejects.toMatchObject({ code: 'not_found' });
    await expect(loadSession('../etc')).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('reports an invalid session_meta.json as damaged with the failing field', async () => {
    const s = await createSession(at('2024-09-09T09:09:09'));
    const file = path.join(dir(), s.session_id, 'session_meta.json');
    const raw = JSON.parse(await readFile(file, 'utf8'));
    raw.step_1_setup.seeds = ['x'];
    await writeFile(file, JSON.stringify(raw));
    await expect(loadSession(s.session_id)).rejects.toMatchObject({
      code: 'damaged',
      message: expect.stringContaining('step_1_setup seeds #1: '),
      details: { file: 'session_meta.json', where: 'step_1_setup.seeds.0' },
    });
    expect((await listSessions()).find((r) => r.session_id === s.session_id)).toMatchObject({ damaged: true, where: 'step_1_setup.seeds.0' });
  });

  it('reads without writing: a listed or loaded session keeps every file, byte for byte and inode for inode', async () => {
    const s = await createSession(at('2024-09-10T09:09:09'));
    await commit(s.session_id, () => ({ kind: 'notes_saved', notes: 'a run' }));
    const folder = path.join(dir(), s.session_id);
    const before = await stat(path.join(folder, 'session_meta.json'));
    const entries = await readdir(folder);
    await listSessions();
    const loaded = await loadSession(s.session_id);
    expect(loaded.notes).toBe('a run');
    const after = await stat(path.join(folder, 'session_meta.json'));
    expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);
    expect(await readdir(folder)).toEqual(entries);
  });
});
