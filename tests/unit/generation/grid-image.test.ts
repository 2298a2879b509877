import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import * as gridRoute from '@/app/api/sessions/[id]/grid/[prompt]/route';
import { ApiError } from '@/lib/api/errors';
import { escapeXml, renderPromptGrid } from '@/lib/generation/grid-image';
import type { Session } from '@/lib/sessions/schema';
import { generatedSession } from '../../helpers/generated-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const dir = tempSessionsDir();
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });

type RGB = [number, number, number];

/** 16 clearly different colours, none of them grey or white: one per image of the generated session. */
const PALETTE: RGB[] = [
  [220, 20, 60],
  [30, 144, 255],
  [50, 205, 50],
  [255, 215, 0],
  [148, 0, 211],
  [255, 140, 0],
  [0, 206, 209],
  [139, 69, 19],
  [255, 105, 180],
  [0, 100, 0],
  [25, 25, 112],
  [189, 183, 107],
  [0, 128, 128],
  [255, 69, 0],
  [128, 0, 0],
  [173, 255, 47],
];

/** Writes the session's meta and one solid 40×30 PNG per result (except those in `skip`); returns file → colour. */
async function seed(s: Session, skip: string[] = []): Promise<Map<string, RGB>> {
  const out = path.join(dir(), s.session_id, 'output');
  await mkdir(out, { recursive: true });
  await writeFile(path.join(dir(), s.session_id, 'session_meta.json'), JSON.stringify(s));
  const colours = new Map<string, RGB>();
  for (const [i, r] of s.step_2_generation.results.entries()) {
    const c = PALETTE[i]!;
    colours.set(r.filename, c);
    if (skip.includes(r.filename)) continue;
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: c[0], g: c[1], b: c[2] } } })
      .png()
      .toFile(path.join(out, r.filename));
  }
  return colours;
}

async function decode(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number): RGB => {
    const o = (Math.floor(y) * info.width + Math.floor(x)) * info.channels;
    return [data[o]!, data[o + 1]!, data[o + 2]!];
  };
  return { width: info.width, height: info.height, at };
}

function expectColour(actual: RGB, expected: RGB, what: string) {
  const off = Math.max(...actual.map((v, i) => Math.abs(v - expected[i]!)));
  expect(off, `${what}: got rgb(${actual}) wanted rgb(${expected})`).toBeLessThanOrEqual(3);
}

// Layout, worked out by hand from the documented constants: a 40 px title line, a 32 px header row and a 160 px
// label column; then 4 columns (baseline + strengths 0, 0.5, 1) × 2 seed rows of square cells.
const cellOrigin = (cell: number, row: number, col: number) => ({ x: 160 + col * cell, y: 72 + row * cell });

describe('renderPromptGrid', () => {
  it('is label column + 4 cells wide and title + header + 2 cells high, at the default and a given cell size', async () => {
    const s = generatedSession();
    await seed(s);
    const big = await decode(await renderPromptGrid(s, 0));
    expect([big.width, big.height]).toEqual([160 + 4 * 256, 40 + 32 + 2 * 256]); // 1184 × 584
    const small = await decode(await renderPromptGrid(s, 1, { cell: 64 }));
    expect([small.width, small.height]).toEqual([416, 200]);
    const meta = await sharp(await renderPromptGrid(s, 1, { cell: 64 })).metadata();
    expect(meta.format).toBe('png');
  });

  it('puts every image in its cell: seeds as rows, baseline then each strength as columns, for both prompts', async () => {
    const s = generatedSession();
    const colours = await seed(s);
    const cell = 64;
    for (const p of [0, 1]) {
      const img = await decode(await renderPromptGrid(s, p, { cell }));
      for (let row = 0; row < 2; row++) {
        const files = [`baseline_${p}_${row}.png`, `lora_${p}_${row}_0.png`, `lora_${p}_${row}_1.png`, `lora_${p}_${row}_2.png`];
        files.forEach((file, col) => {
          const o = cellOrigin(cell, row, col);
          expectColour(img.at(o.x + cell / 2, o.y + cell / 2), colours.get(file)!, `prompt ${p} ${file} centre`);
          // Cover-resized, so the whole cell (not just a letterboxed middle) holds the image.
          expectColour(img.at(o.x + 2, o.y + 2), colours.get(file)!, `prompt ${p} ${file} corner`);
          expectColour(img.at(o.x + cell - 3, o.y + cell - 3), colours.get(file)!, `prompt ${p} ${file} far corner`);
        });
      }
      // The title line, header row and label column are white background, not image.
      expectColour(img.at(150, 199), [255, 255, 255], 'label column below the seed text');
      expectColour(img.at(415, 2), [255, 255, 255], 'title line right end');
    }
  });

  it('lays several LoRA files out as baseline + every variant grouped by file (issue 15)', async () => {
    const s = generatedSession('20240115_143023', {
      lora_filename: 'run-000004.safetensors',
      lora_files: ['run-000004.safetensors', 'run-000008.safetensors'],
      weight_range: [0, 1],
      prompt_pairs: [{ positive: 'a cat', negative: '', append_trigger: false }],
    });
    const colours = await seed(s);
    const cell = 64;
    const img = await decode(await renderPromptGrid(s, 0, { cell }));
    // Baseline, epoch 4 at 0 (the placebo, rendered once) and at 1, epoch 8 at 1.
    expect([img.width, img.height]).toEqual([160 + 4 * cell, 72 + 2 * cell]);
    for (let row = 0; row < 2; row++) {
      [`baseline_0_${row}.png`, `lora_0_${row}_0.png`, `lora_0_${row}_1.png`, `lora_0_${row}_1_f1.png`].forEach((file, col) => {
        const o = cellOrigin(cell, row, col);
        expectColour(img.at(o.x + cell / 2, o.y + cell / 2), colours.get(file)!, `${file} centre`);
      });
    }
  });

  it('draws a failed result and a done result without its file as grey cells, the others unchanged', async () => {
    const s = generatedSession();
    const failed = s.step_2_generation.results.find((r) => r.filename === 'lora_0_0_1.png')!;
    failed.status = 'failed';
    failed.error = 'CUDA out of memory';
    // The failed result's file is written anyway (a partial image left behind): its status, not the file, decides.
    const colours = await seed(s, ['baseline_0_1.png']);
    const cell = 64;
    const img = await decode(await renderPromptGrid(s, 0, { cell }));
    const grey = (row: number, col: number) => {
      const o = cellOrigin(cell, row, col);
      // Corners, away from the centred "failed"/"missing" text.
      for (const [dx, dy] of [
        [4, 4],
        [cell - 5, 4],
        [4, cell - 5],
      ] as const) {
        const c = img.at(o.x + dx, o.y + dy);
        expect(Math.max(...c) - Math.min(...c), `cell ${row},${col} is grey`).toBeLessThanOrEqual(2);
        expect(c[0]).toBeGreaterThan(100);
        expect(c[0]).toBeLessThan(160);
      }
    };
    grey(0, 2); // seed 0, LoRA 0.5: failed
    grey(1, 0); // seed 1, baseline: file missing
    const o = cellOrigin(cell, 0, 3);
    expectColour(img.at(o.x + cell / 2, o.y + cell / 2), colours.get('lora_0_0_2.png')!, 'neighbour of the failed cell');
    const b = cellOrigin(cell, 0, 0);
    expectColour(img.at(b.x + cell / 2, b.y + cell / 2), colours.get('baseline_0_0.png')!, 'baseline seed 0');
  });

  it('refuses an unknown prompt index with bad_request and a prompt without images with conflict', async () => {
    const s = generatedSession();
    await seed(
      s,
      s.step_2_generation.results.filter((r) => r.prompt_index === 1).map((r) => r.filename),
    );
    for (const bad of [2, -1, 0.5, 99]) {
      const err = await renderPromptGrid(s, bad).catch((e: unknown) => e);
      expect(err, `prompt ${bad}`).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('bad_request');
    }
    const none = await renderPromptGrid(s, 1).catch((e: unknown) => e);
    expect((none as ApiError).code).toBe('conflict');
    const queued = structuredClone(s);
    queued.step_2_generation.results.forEach((r) => (r.status = 'queued'));
    expect(((await renderPromptGrid(queued, 0).catch((e: unknown) => e)) as ApiError).code).toBe('conflict');
    for (const cell of [8, 2000, 64.5]) {
      expect(((await renderPromptGrid(s, 0, { cell }).catch((e: unknown) => e)) as ApiError).code).toBe('bad_request');
    }
  });

  it('escapes prompt text and LoRA names that hold XML syntax', async () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('a\u0000b\u001Fc\uD800d')).toBe('abcd');
    const s = generatedSession();
    s.step_1_setup.prompt_pairs[0]!.positive = `</text></svg><script>alert("x")</script> & 'more' \u0007 ]]> <!-- `;
    s.step_1_setup.lora_filename = 'a&b<c>.safetensors';
    await seed(s);
    const img = await decode(await renderPromptGrid(s, 0, { cell: 64 }));
    expect([img.width, img.height]).toEqual([416, 200]);
  });
});

describe('GET /api/sessions/:id/grid/:prompt', () => {
  it('downloads the PNG with a named attachment and nosniff', async () => {
    const s = generatedSession();
    await seed(s);
    const res = await gridRoute.GET(new Request('http://test'), ctx({ id: s.session_id, prompt: '1' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="lorabench_20240115_143022_prompt2_grid.png"');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const img = await decode(Buffer.from(await res.arrayBuffer()));
    expect([img.width, img.height]).toEqual([1184, 584]);
  });

  it('answers 400 for a bad or unknown prompt, 404 for an unknown session, 409 before any image', async () => {
    const s = generatedSession();
    await seed(s);
    for (const prompt of ['2', '-1', 'abc', '1.5', '']) {
      const res = await gridRoute.GET(new Request('http://test'), ctx({ id: s.session_id, prompt }));
      expect(res.status, `prompt "${prompt}"`).toBe(400);
      expect((await res.json()).error.code).toBe('bad_request');
    }
    expect((await gridRoute.GET(new Request('http://test'), ctx({ id: '../etc', prompt: '0' }))).status).toBe(400);
    expect((await gridRoute.GET(new Request('http://test'), ctx({ id: '20990101_000000', prompt: '0' }))).status).toBe(404);
    await rm(path.join(dir(), s.session_id, 'output'), { recursive: true });
    const empty = await gridRoute.GET(new Request('http://test'), ctx({ id: s.session_id, prompt: '0' }));
    expect(empty.status).toBe(409);
    expect((await empty.json()).error.code).toBe('conflict');
  });
});
