// Thumbnail cache benchmark: 1,000 generated 512×512 PNGs, one cold pass (resize + atomic cache write) and one cached
// pass (stat + read) through lib/sessions/thumbnails.ts.
//
// Run it as
//   node --conditions=react-server --import tsx bench/thumbnails.ts
// `lib/` modules start with `import 'server-only'`, which throws unless the `react-server` export condition is set;
// plain `npx tsx bench/thumbnails.ts` therefore fails on that import.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';

const COUNT = 1000;
const SIDE = 512;
const THUMB = 256;
const SESSION_ID = '20240115_143022';

async function main(): Promise<void> {
  // Imported before the temp folder exists, so a run without `--conditions=react-server` leaves nothing behind
  // (store.ts reads SESSIONS_DIR on every call, so setting it afterwards is fine).
  const { thumbnail } = await import('@/lib/sessions/thumbnails');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-bench-'));
  const previous = process.env.SESSIONS_DIR;
  process.env.SESSIONS_DIR = dir;
  try {
    const out = path.join(dir, SESSION_ID, 'output');
    await mkdir(out, { recursive: true });

    // 1,000 distinct images: a gradient with a per-image tint, so no two files (or thumbnails) are alike.
    const names: string[] = [];
    const base = Buffer.alloc(SIDE * SIDE * 3);
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const o = (y * SIDE + x) * 3;
        base[o] = x >> 1;
        base[o + 1] = y >> 1;
        base[o + 2] = (x ^ y) & 0xff;
      }
    }
    for (let i = 0; i < COUNT; i++) {
      const name = `lora_${Math.floor(i / 100)}_${Math.floor(i / 10) % 10}_${i % 10}.png`;
      const png = await sharp(base, { raw: { width: SIDE, height: SIDE, channels: 3 } })
        .tint({ r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 })
        .png({ compressionLevel: 1 })
        .toBuffer();
      await writeFile(path.join(out, name), png);
      names.push(name);
    }

    const pass = async (): Promise<number> => {
      const start = performance.now();
      for (const name of names) await thumbnail(SESSION_ID, name, THUMB);
      return performance.now() - start;
    };
    const cold = await pass();
    const cached = await pass();
    const f = (ms: number) => ms.toFixed(0);
    const per = (ms: number) => (ms / COUNT).toFixed(2);
    console.log(
      `thumbnails: ${COUNT} images, cold ${f(cold)} ms total (${per(cold)} ms/image), cached ${f(cached)} ms total (${per(cached)} ms/image)`,
    );
  } finally {
    if (previous === undefined) delete process.env.SESSIONS_DIR;
    else process.env.SESSIONS_DIR = previous;
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
