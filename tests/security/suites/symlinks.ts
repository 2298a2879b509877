// Symlinks planted inside a session folder (an image, `output/` itself, the `.thumbs` cache) that lead out of
// SESSIONS_DIR: no route may serve, embed, zip or write through them. The outside image is pure red and the session's
// own images are blue, so a leak is visible in any decoded picture; the raw outside bytes must appear in no response.
import { mkdir, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SuiteContext } from '../../helpers/api-suite';
import { generatedSession } from '../../helpers/generated-session';
import { writeSession } from '../../helpers/security-fs';

// Evaluated, so the report exports (HTML, which embeds thumbnails) are open.
const session = generatedSession();
session.step_3_evaluation.evaluation_complete = true;
session.step_3_evaluation.current_eval_index = session.step_2_generation.shuffled_results.length;
const ID = session.session_id;
const LINKED = session.step_2_generation.results.find((r) => r.role === 'lora')!.filename;

/** Count of pure red pixels in any image sharp can decode. */
async function redPixels(bytes: Buffer): Promise<number> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i]! > 200 && data[i + 1]! < 60 && data[i + 2]! < 60) n++;
  return n;
}

export function symlinksSuite(s: SuiteContext): void {
  const dirs = s.dirs;
  const get = (route: string, params: Record<string, string>, query?: string) =>
    s.target().call('GET', route, { id: ID, ...params }, { query });
  let outside: Buffer;
  beforeEach(async () => {
    outside = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    await writeFile(path.join(dirs().root, 'outside.png'), outside);
    await writeSession(dirs().sessions, session);
  });

  describe(`symlinks out of the data directory (${s.kind})`, () => {
    it('an image linked out is refused by every route that reads images, and left out of grids, zips and reports', async () => {
      const file = path.join(dirs().sessions, ID, 'output', LINKED);
      await rename(file, `${file}.moved`);
      await symlink(path.join(dirs().root, 'outside.png'), file);
      let checked = 0;

      const direct = await get('sessions/[id]/images/[file]', { file: LINKED });
      expect(direct.status).toBe(403);
      expect((await direct.json()).error.code).toBe('forbidden');
      const thumb = await get('sessions/[id]/thumbs/[file]', { file: LINKED }, 'size=128');
      expect(thumb.status).toBe(403);
      checked += 2;

      const pair = session.step_2_generation.shuffled_results.find((p) => p.lora_image_id === LINKED.replace('.png', ''))!;
      const loraSide = pair.left === 'lora' ? 'left' : 'right';
      // The blind route needs a started evaluation: it answers for any token of the session's pairs.
      const blind = await get('sessions/[id]/blind/[token]/[side]', { token: pair.token, side: loraSide });
      expect([403, 404, 409]).toContain(blind.status);
      expect(Buffer.from(await blind.arrayBuffer()).includes(outside)).toBe(false);
      checked++;

      const grid = await get('sessions/[id]/grid/[prompt]', { prompt: String(pair.prompt_index) });
      expect(grid.status).toBe(200);
      expect(await redPixels(Buffer.from(await grid.arrayBuffer()))).toBe(0);
      checked++;

      const zip = await get('sessions/[id]/export/[format]', { format: 'zip' });
      expect(zip.status).toBe(200);
      expect(Buffer.from(await zip.arrayBuffer()).includes(outside)).toBe(false);
      checked++;

      const html = await get('sessions/[id]/export/[format]', { format: 'html' });
      expect(html.status).toBe(200);
      const images = [...(await html.text()).matchAll(/data:image\/webp;base64,([A-Za-z0-9+/=]+)/g)].map((m) =>
        Buffer.from(m[1]!, 'base64'),
      );
      expect(images.length).toBeGreaterThan(0);
      for (const img of images) expect(await redPixels(img)).toBe(0);
      checked++;

      const sessionThumb = await get('sessions/[id]/thumbnail', {});
      if (sessionThumb.status === 200) expect(await redPixels(Buffer.from(await sessionThumb.arrayBuffer()))).toBe(0);
      checked++;
      console.log(`symlinks (${s.kind}): ${checked} routes checked with an image linked out of SESSIONS_DIR, 0 served it`);
    });

    it('an output/ folder linked out is refused', async () => {
      const out = path.join(dirs().sessions, ID, 'output');
      const elsewhere = path.join(dirs().root, 'elsewhere');
      await rename(out, elsewhere);
      await symlink(elsewhere, out);
      const res = await get('sessions/[id]/images/[file]', { file: LINKED });
      expect(res.status).toBe(403);
      const thumb = await get('sessions/[id]/thumbs/[file]', { file: LINKED });
      expect(thumb.status).toBe(403);
      expect(await readdir(elsewhere)).not.toContain('.thumbs');
    });

    it('a .thumbs cache linked out is neither read nor written', async () => {
      const cache = path.join(dirs().root, 'cache');
      await mkdir(cache);
      await symlink(cache, path.join(dirs().sessions, ID, 'output', '.thumbs'));
      const res = await get('sessions/[id]/thumbs/[file]', { file: LINKED }, 'size=128');
      expect(res.status).toBe(403);
      expect(await readdir(cache)).toEqual([]);
      // A planted cache entry outside is not served either.
      const planted = await sharp(outside).webp().toBuffer();
      await writeFile(path.join(cache, `${LINKED.replace('.png', '')}.128.webp`), planted);
      const again = await get('sessions/[id]/thumbs/[file]', { file: LINKED }, 'size=128');
      expect(again.status).toBe(403);
      expect(Buffer.from(await again.arrayBuffer()).includes(planted)).toBe(false);
      expect(await readFile(path.join(cache, `${LINKED.replace('.png', '')}.128.webp`))).toEqual(planted);
    });
  });
}
