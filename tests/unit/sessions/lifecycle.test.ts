import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generationJobs } from '@/lib/generation/jobs';
import { copySession, findEmptySessions, listTrash, relaunchSession, restoreFromTrash, trashSession } from '@/lib/sessions/lifecycle';
import { createSession, listSessions, loadSession } from '@/lib/sessions/store';
import { generatedSession } from '../../helpers/generated-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';
import { editSession } from '../../helpers/edit-session';

const dir = tempSessionsDir();
const notRunning = () => false;

async function writeGenerated(id: string) {
  const s = generatedSession(id);
  await createSession(new Date(2024, 0, 15, 14, 30, 22));
  await writeFile(path.join(dir(), id, 'session_meta.json'), JSON.stringify(s));
  for (const r of s.step_2_generation.results) await writeFile(path.join(dir(), id, 'output', r.filename), `png ${r.image_id}`);
  return s;
}

describe('relaunch and save as new', () => {
  it('relaunch makes a new id with the same Setup and nothing generated', async () => {
    const s = await writeGenerated('20240115_143022');
    const r = await relaunchSession(s.session_id, new Date(2024, 5, 1, 8, 0, 0));
    expect(r.session_id).toBe('20240601_080000');
    expect(r.step_1_setup).toEqual(s.step_1_setup);
    expect(r.step_2_generation.results).toEqual([]);
    expect(r.step_3_evaluation.scores).toEqual([]);
    expect(r.status).toBe('pending');
    expect(r.notes).toContain('Relaunch of 20240115_143022');
  });

  it('save as new copies the whole state and the images under a new id', async () => {
    const s = await writeGenerated('20240115_143022');
    const c = await copySession(s.session_id, undefined, new Date(2024, 5, 1, 9, 0, 0));
    expect(c.session_id).toBe('20240601_090000');
    expect(c.step_2_generation).toEqual(s.step_2_generation);
    expect(c.step_1_setup).toEqual(s.step_1_setup);
    const files = (await readdir(path.join(dir(), c.session_id, 'output'))).sort();
    expect(files).toEqual(s.step_2_generation.results.map((r) => r.filename).sort());
    expect(await readFile(path.join(dir(), c.session_id, 'output', 'lora_1_1_2.png'), 'utf8')).toBe('png lora_1_1_2');
    // The source is untouched.
    expect(await loadSession(s.session_id)).toEqual(s);
  });

  it('save as new takes unsaved Setup edits while Setup may still change', async () => {
    const s = await createSession(new Date(2024, 0, 1, 1, 1, 1));
    const edited = { ...s.step_1_setup, lora_filename: 'edited.safetensors' };
    const c = await copySession(s.session_id, edited, new Date(2024, 0, 1, 1, 1, 2));
    expect(c.step_1_setup.lora_filename).toBe('edited.safetensors');
    expect((await loadSession(s.session_id)).step_1_setup.lora_filename).toBe('');
  });
});

describe('trash', () => {
  it('delete moves the folder to .trash, lists it, and restore brings it back intact', async () => {
    const s = await writeGenerated('20240115_143022');
    const name = await trashSession(s.session_id, notRunning);
    expect(name).toBe('20240115_143022');
    expect((await listSessions()).map((x) => x.session_id)).not.toContain(s.session_id);
    expect(await readdir(path.join(dir(), '.trash', name))).toContain('session_meta.json');
    expect(await listTrash()).toEqual([{ name, session_id: s.session_id }]);
    const back = await restoreFromTrash(name);
    expect(back).toMatchObject({ damaged: false, session_id: s.session_id, revision: s.revision });
    expect(await loadSession(s.session_id)).toEqual(s);
    expect(await listTrash()).toEqual([]);
  });

  it('keeps two trashed folders of the same id apart and refuses a restore over a live session', async () => {
    await createSession(new Date(2024, 0, 2, 3, 4, 5));
    const first = await trashSession('20240102_030405', notRunning);
    await createSession(new Date(2024, 0, 2, 3, 4, 5));
    const second = await trashSession('20240102_030405', notRunning);
    expect(second).toMatch(/^20240102_030405__\d+$/);
    expect((await listTrash()).map((e) => e.name).sort()).toEqual([first, second].sort());
    await restoreFromTrash(first);
    await expect(restoreFromTrash(second)).rejects.toMatchObject({ code: 'conflict' });
    await expect(restoreFromTrash('../../etc')).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('refuses to delete a session that is generating, or one that does not exist', async () => {
    const s = await createSession(new Date(2024, 0, 3, 3, 3, 3));
    await expect(trashSession(s.session_id, () => true)).rejects.toMatchObject({ code: 'conflict' });
    await expect(trashSession('20991231_000000', notRunning)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('clean up finds only sessions without images and judgments', async () => {
    await writeGenerated('20240115_143022');
    const empty = await createSession(new Date(2024, 0, 4, 4, 4, 4));
    const withSetup = await createSession(new Date(2024, 0, 5, 5, 5, 5));
    await editSession(withSetup.session_id, (d) => void (d.step_1_setup.lora_filename = 'x.safetensors'));
    expect((await findEmptySessions(notRunning)).sort()).toEqual([empty.session_id, withSetup.session_id].sort());
    expect(await findEmptySessions((id) => id === empty.session_id)).toEqual([withSetup.session_id]);
  });
});

describe('status across a server stop', () => {
  it('marks a session stored as running interrupted, with its running image queued again', async () => {
    const s = await writeGenerated('20240115_143022');
    await editSession(s.session_id, (d) => {
      d.status = 'running';
      d.step_2_generation.generation_complete = false;
      d.step_2_generation.results[3]!.status = 'running';
    });
    expect(await generationJobs.markInterrupted()).toEqual([s.session_id]);
    const after = await loadSession(s.session_id);
    expect(after.status).toBe('interrupted');
    expect(after.step_2_generation.results[3]!.status).toBe('queued');
  });
});

describe('a crash in the middle of a write', () => {
  it('leaves a whole session (SIGKILL during 1 MB appends and snapshot writes, 5 times)', async () => {
    const s = await createSession(new Date(2024, 0, 6, 6, 6, 6));
    for (let run = 0; run < 5; run++) {
      const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'tests/helpers/write-loop.ts', s.session_id], {
        env: { ...process.env, SESSIONS_DIR: dir() },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          // Kill right after a write has finished, when the next one is under way.
          if (chunk.toString().includes('wrote')) setTimeout(() => child.kill('SIGKILL'), 5 + run * 7);
        });
        child.on('exit', () => resolve());
      });
      // Whatever was cut off (an append or a snapshot), the session loads whole: 100 prompts, all of one save.
      const after = await loadSession(s.session_id);
      const text = after.step_1_setup.prompt_pairs.map((p) => p.positive).join('');
      expect(after.step_1_setup.prompt_pairs).toHaveLength(100);
      expect(text.length).toBe(900_000);
      expect(new Set(text).size).toBe(1);
    }
  }, 60_000);
});
