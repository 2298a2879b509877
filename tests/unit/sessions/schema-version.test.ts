import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planVariants, strengthsInWords } from '@/lib/generation/variants';
import { exportSessionZip, importSessionZip } from '@/lib/sessions/archive';
import { sessionsDir } from '@/lib/sessions/paths';
import { ReadySetupSchema, SetupSchema } from '@/lib/sessions/schema';
import { snapshotText } from '@/lib/sessions/snapshot';
import { createSession, listSessions, loadSession } from '@/lib/sessions/store';
import { commit, foldSession } from '@/lib/sessions/writer';
import { EPOCH_FILES, epochSession } from '../../helpers/epoch-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';

tempSessionsDir();

const onDisk = async (id: string) => JSON.parse(await readFile(path.join(sessionsDir(), id, 'session_meta.json'), 'utf8'));

const READY = {
  checkpoint: 'v1-5-pruned-emaonly.safetensors',
  lora_filename: EPOCH_FILES[0],
  lora_files: EPOCH_FILES,
  weight_range: [0, 0.5, 1],
  seeds: [1],
  prompt_pairs: [{ positive: 'a cat' }],
};

describe('schema 3: several LoRA files and strengths per file (issue 15)', () => {
  it('writes a one-file session as schema 2, as before, and a several-file one as schema 3', async () => {
    const one = await createSession(new Date(2024, 0, 15, 9, 0, 0), { lora_filename: 'my_lora.safetensors' });
    expect(one.schema_version).toBe(2);
    expect((await onDisk(one.session_id)).schema_version).toBe(2);
    const three = await createSession(new Date(2024, 0, 15, 9, 0, 1), { lora_filename: EPOCH_FILES[0], lora_files: EPOCH_FILES });
    expect((await onDisk(three.session_id)).schema_version).toBe(3);
  });

  it('migrates a schema 2 file that names several files: schema 3 in memory, on disk at its next save, nothing else changed', async () => {
    const old = epochSession();
    await createSession(new Date(2024, 0, 15, 14, 30, 22));
    const file = path.join(sessionsDir(), old.session_id, 'session_meta.json');
    await writeFile(file, snapshotText(old));
    const before = await readFile(file, 'utf8');
    expect(JSON.parse(before).schema_version).toBe(2);

    const loaded = await loadSession(old.session_id);
    expect(loaded.schema_version).toBe(3);
    expect({ ...loaded, schema_version: 2 }).toEqual(old);
    expect((await listSessions()).find((s) => !s.damaged && s.session_id === old.session_id)).toMatchObject({
      lora_files: EPOCH_FILES,
    });
    // Reading never writes (GETs are read-only): the file keeps its bytes until a change is saved.
    expect(await readFile(file, 'utf8')).toBe(before);

    await commit(old.session_id, () => ({ kind: 'notes_saved', notes: 'epoch run' }));
    await foldSession(old.session_id);
    const after = await onDisk(old.session_id);
    expect(after.schema_version).toBe(3);
    expect(after.step_1_setup).toEqual(JSON.parse(before).step_1_setup);
    expect(after.step_3_evaluation.scores).toEqual(JSON.parse(before).step_3_evaluation.scores);
  });

  it('goes back to schema 2 when a save leaves one file, and up to 3 when a save adds strengths per file', async () => {
    const s = await createSession(new Date(2024, 0, 15, 10, 0, 0), READY);
    const save = async (patch: object) => {
      await commit(s.session_id, (cur) => ({ kind: 'setup_saved', setup: SetupSchema.parse({ ...cur.step_1_setup, ...patch }) }));
      await foldSession(s.session_id);
      return (await onDisk(s.session_id)).schema_version;
    };
    expect(await save({ lora_files: [], lora_filename: EPOCH_FILES[0] })).toBe(2);
    expect(await save({ lora_files: EPOCH_FILES, lora_strengths: { [EPOCH_FILES[2]!]: [1] } })).toBe(3);
    expect((await loadSession(s.session_id)).step_1_setup.lora_strengths).toEqual({ [EPOCH_FILES[2]!]: [1] });
  });

  it('exports a schema 3 session with a schema 3 manifest and imports it whole', async () => {
    const s = await createSession(new Date(2024, 0, 15, 11, 0, 0), { ...READY, lora_strengths: { [EPOCH_FILES[1]!]: [0.5] } });
    const imported = await importSessionZip(await exportSessionZip(s.session_id));
    expect(imported.schema_version).toBe(3);
    expect(imported.step_1_setup).toEqual(s.step_1_setup);
    expect((await onDisk(imported.session_id)).schema_version).toBe(3);
  });
});

describe('strengths per file', () => {
  const setup = (lora_strengths: Record<string, number[]>) => SetupSchema.parse({ ...READY, lora_strengths });

  it('renders a file only at its own strengths, the placebo once, and every other file at every strength', () => {
    const variants = planVariants(setup({ [EPOCH_FILES[0]!]: [1], [EPOCH_FILES[2]!]: [0.5] }));
    // [file index, strength]: file 0 keeps 0 (the placebo) and its own 1; file 1 takes 0.5 and 1; file 2 its own 0.5.
    expect(variants.map((v) => [v.lora_index, v.strength])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0.5],
      [1, 1],
      [2, 0.5],
    ]);
    expect(variants.map((v) => v.strength_index)).toEqual([0, 2, 1, 2, 1]);
    expect(strengthsInWords(setup({ [EPOCH_FILES[0]!]: [1], [EPOCH_FILES[2]!]: [0.5] }))).toBe(
      '0 (all files); epoch 4: 1; epoch 8: 0.5, 1; epoch 12: 0.5',
    );
  });

  it('is refused at Start for a file left with no strength, or for a file that is not in the session', () => {
    const none = ReadySetupSchema.safeParse(setup({ [EPOCH_FILES[1]!]: [0] }));
    expect(none.success).toBe(false);
    expect(none.error!.issues.map((i) => i.message)).toContain('run-000008.safetensors has no strength: tick one, or remove the file');
    const stranger = ReadySetupSchema.safeParse(setup({ 'other.safetensors': [1] }));
    expect(stranger.error!.issues.map((i) => i.message)).toContain(
      'strengths are set for other.safetensors, which is not one of the LoRA files',
    );
    expect(ReadySetupSchema.safeParse(setup({ [EPOCH_FILES[1]!]: [1] })).success).toBe(true);
  });
});
