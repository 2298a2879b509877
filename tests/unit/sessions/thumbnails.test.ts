import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import * as thumbsRoute from '@/app/api/sessions/[id]/thumbs/[file]/route';
import { ApiError } from '@/lib/api/errors';
import { thumbnail, THUMBNAIL_SIZES } from '@/lib/sessions/thumbnails';
import { generatedSession } from '../../helpers/generated-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const dir = tempSessionsDir();
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const ID = '20240115_143022';

type RGB = [number, number, number];

const out = () => path.join(dir(), ID, 'output');
const cacheFile = (name: string, size: number) => path.join(out(), '.thumbs', `${name.replace(/\.png$/, '')}.${size}.webp`);

/** A solid 512×384 PNG. */
const solid = (c: RGB, width = 512, height = 384) =>
  sharp({ create: { width, height, channels: 3, background: { r: c[0], g: c[1], b: c[2] } } }).png().toBuffer();

/** The generated session with a solid PNG per image, each a different colour. */
async function seed(): Promise<void> {
  const s = generatedSession(ID);
  await mkdir(out(), { recursive: true });
  await writeFile(path.join(dir(), ID, 'session_meta.json'), JSON.stringify(s));
  for (const [i, r] of s.step_2_generation.results.entries()) {
    await writeFile(path.join(out(), r.filename), await solid([(i * 20) % 256, 255 - i * 20, 100]));
  }
}

async function centre(img: Buffer): Promise<RGB> {
  const { data, info } = await sharp(img).raw().toBuffer({ resolveWithObject: true });
  const o = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
  return [data[o]!, data[o + 1]!, data[o + 2]!];
}

function near(a: RGB, b: RGB, tol = 8): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= tol);
}

async function code(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return (err as ApiError).code;
}

describe('thumbnail', () => {
  it('returns a WebP whose longest side is the size asked for, keeping the aspect ratio', async () => {
    await seed();
    const t = await thumbnail(ID, 'baseline_0_0.png');
    expect(t.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(t.subarray(8, 12).toString('latin1')).toBe('WEBP');
    const meta = await sharp(t).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 256, 192]);
    const small = await sharp(await thumbnail(ID, 'baseline_0_0.png', 128)).metadata();
    expect([small.width, small.height]).toEqual([128, 96]);
    const big = await sharp(await thumbnail(ID, 'lora_1_1_2.png', 512)).metadata();
    expect([big.width, big.height]).toEqual([512, 384]);
    expect(near(await centre(t), [0, 255, 100])).toBe(true);
    expect(near(await centre(await thumbnail(ID, 'lora_0_0_0.png')), [20, 235, 100])).toBe(true);
  });

  it('caches each size in output/.thumbs/<name>.<size>.webp', async () => {
    await seed();
    const t = await thumbnail(ID, 'lora_0_1_2.png', 256);
    expect(Buffer.compare(await readFile(cacheFile('lora_0_1_2.png', 256)), t)).toBe(0);
    await expect(stat(cacheFile('lora_0_1_2.png', 128))).rejects.toThrow();
    await thumbnail(ID, 'lora_0_1_2.png', 128);
    expect((await stat(cacheFile('lora_0_1_2.png', 128))).isFile()).toBe(true);
  });

  it('serves the cached file on the next call without rewriting it', async () => {
    await seed();
    const first = await thumbnail(ID, 'baseline_1_0.png');
    const before = await stat(cacheFile('baseline_1_0.png', 256));
    const again = await thumbnail(ID, 'baseline_1_0.png');
    const after = await stat(cacheFile('baseline_1_0.png', 256));
    expect(Buffer.compare(again, first)).toBe(0);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino); // an atomic rewrite would rename a new file (new inode) into place
    expect(after.ctimeMs).toBe(before.ctimeMs);

    // Proof it is read from disk, not made again: swap the cache bytes (keeping its mtime) and get them back.
    const marker = Buffer.from('cached-bytes-marker');
    await writeFile(cacheFile('baseline_1_0.png', 256), marker);
    await utimes(cacheFile('baseline_1_0.png', 256), before.atime, before.mtime);
    expect((await thumbnail(ID, 'baseline_1_0.png')).toString()).toBe('cached-bytes-marker');
  });

  it('makes the thumbnail again when the source is replaced by a newer file', async () => {
    await seed();
    const src = path.join(out(), 'lora_1_0_1.png');
    const old = await thumbnail(ID, 'lora_1_0_1.png');
    const cachedBefore = await stat(cacheFile('lora_1_0_1.png', 256));
    await writeFile(src, await solid([250, 10, 10], 300, 600));
    const later = new Date(cachedBefore.mtimeMs + 5000);
    await utimes(src, later, later);
    const fresh = await thumbnail(ID, 'lora_1_0_1.png');
    expect(Buffer.compare(fresh, old)).not.toBe(0);
    expect(near(await centre(fresh), [250, 10, 10])).toBe(true);
    const meta = await sharp(fresh).metadata();
    expect([meta.width, meta.height]).toEqual([128, 256]);
    expect(Buffer.compare(await readFile(cacheFile('lora_1_0_1.png', 256)), fresh)).toBe(0);
    // ...and that new cache is then reused.
    const ino = (await stat(cacheFile('lora_1_0_1.png', 256))).ino;
    await thumbnail(ID, 'lora_1_0_1.png');
    expect((await stat(cacheFile('lora_1_0_1.png', 256))).ino).toBe(ino);
  });

  it('also makes it again when the source is replaced by an older file (a restored backup)', async () => {
    await seed();
    const src = path.join(out(), 'baseline_0_1.png');
    await thumbnail(ID, 'baseline_0_1.png');
    await writeFile(src, await solid([10, 10, 250]));
    const earlier = new Date(Date.now() - 86_400_000);
    await utimes(src, earlier, earlier);
    expect(near(await centre(await thumbnail(ID, 'baseline_0_1.png')), [10, 10, 250])).toBe(true);
  });

  it('makes it again when the cache file was deleted', async () => {
    await seed();
    const t = await thumbnail(ID, 'baseline_0_0.png');
    const { rm } = await import('node:fs/promises');
    await rm(path.join(out(), '.thumbs'), { recursive: true });
    expect(Buffer.compare(await thumbnail(ID, 'baseline_0_0.png'), t)).toBe(0);
    expect((await stat(cacheFile('baseline_0_0.png', 256))).isFile()).toBe(true);
  });

  it('gives concurrent callers the same bytes', async () => {
    await seed();
    const all = await Promise.all(Array.from({ length: 6 }, () => thumbnail(ID, 'lora_0_0_2.png')));
    for (const t of all) expect(Buffer.compare(t, all[0]!)).toBe(0);
    expect(Buffer.compare(await readFile(cacheFile('lora_0_0_2.png', 256)), all[0]!)).toBe(0);
  });

  it('refuses names that are not image names of the session, including traversal', async () => {
    await seed();
    for (const name of [
      '../session_meta.json',
      'session_meta.json',
      '../../20240115_143022/output/baseline_0_0.png',
      'baseline_0_0.png/../../session_meta.json',
      '.thumbs/baseline_0_0.256.webp',
      'baseline_0_0.PNG',
      'baseline_0_0.png\0',
      'lora_0_0.png',
      '',
    ]) {
      expect(await code(thumbnail(ID, name)), JSON.stringify(name)).toBe('bad_request');
    }
    expect(await code(thumbnail('../sessions', 'baseline_0_0.png'))).toBe('bad_request');
  });

  it('refuses sizes outside the allow-list', async () => {
    await seed();
    expect([...THUMBNAIL_SIZES]).toEqual([128, 256, 512]);
    for (const size of [0, 64, 100, 255, 256.5, 1024, 4096, -256, Number.NaN]) {
      expect(await code(thumbnail(ID, 'baseline_0_0.png', size)), String(size)).toBe('bad_request');
    }
  });

  it('answers not_found for an image that does not exist', async () => {
    await seed();
    expect(await code(thumbnail(ID, 'lora_9_9_9.png'))).toBe('not_found');
    expect(await code(thumbnail('20990101_000000', 'baseline_0_0.png'))).toBe('not_found');
  });
});

describe('GET /api/sessions/:id/thumbs/:file', () => {
  it('sends the cached WebP with nosniff and a short private cache', async () => {
    await seed();
    const res = await thumbsRoute.GET(new Request('http://test/x'), ctx({ id: ID, file: 'lora_0_0_1.png' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('private, max-age=60');
    const body = Buffer.from(await res.arrayBuffer());
    expect((await sharp(body).metadata()).width).toBe(256);
    expect(Buffer.compare(await readFile(cacheFile('lora_0_0_1.png', 256)), body)).toBe(0);

    const small = await thumbsRoute.GET(new Request('http://test/x?size=128'), ctx({ id: ID, file: 'lora_0_0_1.png' }));
    expect((await sharp(Buffer.from(await small.arrayBuffer())).metadata()).width).toBe(128);
  });

  it('answers 400 for bad sizes and names, 404 for a missing image', async () => {
    await seed();
    for (const q of ['?size=1000', '?size=abc', '?size=-128', '?size=256.0', '?size=1e3']) {
      const res = await thumbsRoute.GET(new Request(`http://test/x${q}`), ctx({ id: ID, file: 'baseline_0_0.png' }));
      expect(res.status, q).toBe(400);
      expect((await res.json()).error.code).toBe('bad_request');
    }
    const traversal = await thumbsRoute.GET(new Request('http://test/x'), ctx({ id: ID, file: '../session_meta.json' }));
    expect(traversal.status).toBe(400);
    expect(await traversal.text()).not.toContain('schema_version');
    expect((await thumbsRoute.GET(new Request('http://test/x'), ctx({ id: 'nope', file: 'baseline_0_0.png' }))).status).toBe(400);
    const missing = await thumbsRoute.GET(new Request('http://test/x'), ctx({ id: ID, file: 'lora_5_0_0.png' }));
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
  });
});
