import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSessionImage } from '@/lib/sessions/images';
import { ResultSchema, SessionSchema } from '@/lib/sessions/schema';
import { generatedSession } from '../../helpers/generated-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const dir = tempSessionsDir();
const ID = '20240115_143022';

describe('where image files may be written', () => {
  it('writes an image name of the session into its output folder', async () => {
    await mkdir(path.join(dir(), ID, 'output'), { recursive: true });
    await writeSessionImage(ID, 'lora_0_1_2.png', Buffer.from('png'));
    expect(await readFile(path.join(dir(), ID, 'output', 'lora_0_1_2.png'), 'utf8')).toBe('png');
  });

  it('refuses every other name, even one the schema was bypassed for, and writes nothing', async () => {
    await mkdir(path.join(dir(), ID, 'output'), { recursive: true });
    const names = ['../../victim.txt', '../session_meta.json', '/tmp/victim.png', 'x/../../lora_0_0_0.png', 'lora_0_0_0.png/../../x.png', 'lora_0_0_0.txt', ''];
    for (const name of names) {
      await expect(writeSessionImage(ID, name, Buffer.from('evil')), name).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(await readdir(path.join(dir(), ID, 'output'))).toEqual([]);
    expect((await readdir(dir())).sort()).toEqual([ID]);
  });

  it('refuses an output folder that is a link out of the data directory', async () => {
    const outside = path.join(path.dirname(dir()), `${path.basename(dir())}-outside`);
    await mkdir(outside, { recursive: true });
    await mkdir(path.join(dir(), ID), { recursive: true });
    await symlink(outside, path.join(dir(), ID, 'output'));
    await expect(writeSessionImage(ID, 'lora_0_0_0.png', Buffer.from('evil'))).rejects.toMatchObject({ code: 'forbidden' });
    expect(await readdir(outside)).toEqual([]);
  });

  it('replaces a planted symlink instead of writing through it', async () => {
    const victim = path.join(path.dirname(dir()), `${path.basename(dir())}-victim.txt`);
    await writeFile(victim, 'ORIGINAL');
    await mkdir(path.join(dir(), ID, 'output'), { recursive: true });
    await symlink(victim, path.join(dir(), ID, 'output', 'lora_0_0_0.png'));
    await writeSessionImage(ID, 'lora_0_0_0.png', Buffer.from('png'));
    expect(await readFile(victim, 'utf8')).toBe('ORIGINAL');
    expect(await readFile(path.join(dir(), ID, 'output', 'lora_0_0_0.png'), 'utf8')).toBe('png');
  });
});

describe('path-derived fields in the schema', () => {
  it('refuses image names, ids and pair ids that are not the exact patterns', () => {
    const good = generatedSession(ID);
    expect(SessionSchema.safeParse(good).success).toBe(true);
    const r = good.step_2_generation.results[1]!;
    for (const filename of ['../../victim.txt', 'lora_0_0_0.txt', `${r.image_id}.png/..`, 'baseline_0_0.png']) {
      expect(ResultSchema.safeParse({ ...r, filename }).success, filename).toBe(false);
    }
    expect(ResultSchema.safeParse({ ...r, image_id: '../x', filename: '../x.png' }).success).toBe(false);
    expect(ResultSchema.safeParse({ ...r, comfy_prompt_id: '../../view?x' }).success).toBe(false);
    const pair = good.step_2_generation.shuffled_results[0]!;
    for (const bad of [{ pair_id: '../p' }, { lora_image_id: '../../x' }, { baseline_image_id: 'baseline_0_0.png' }]) {
      const s = structuredClone(good);
      Object.assign(s.step_2_generation.shuffled_results[0]!, pair, bad);
      expect(SessionSchema.safeParse(s).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
