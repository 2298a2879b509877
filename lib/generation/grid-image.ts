import 'server-only';
import sharp, { type OverlayOptions } from 'sharp';
import { ApiError, isApiError } from '@/lib/api/errors';
import type { Result, Session } from '@/lib/sessions/schema';
import { readSessionImage } from '@/lib/sessions/images';
import { fileLabels, loraFiles, planVariants } from './variants';

/**
 * The labelled comparison image of one prompt, in the style of A1111's "X/Y plot":
 *
 *   ┌──────────────────────────────────────────────────────────┐  title: "Prompt 1: <text…>  ·  LoRA: <file>"
 *   │             │ Baseline │ LoRA 0    │ LoRA 0.5 │ LoRA 1   │  header row
 *   │ seed 898938 │  image   │  image    │  image   │  image   │  one row per seed
 *   │ seed 898939 │  image   │  image    │  (failed)│  image   │
 *   └──────────────────────────────────────────────────────────┘
 *
 * Width = LABEL_WIDTH + columns × cell, height = TITLE_HEIGHT + HEADER_HEIGHT + rows × cell; there are no gaps, so cell
 * (r, c) starts at x = LABEL_WIDTH + c × cell, y = TITLE_HEIGHT + HEADER_HEIGHT + r × cell.
 */
export const GRID_LAYOUT = {
  TITLE_HEIGHT: 40,
  HEADER_HEIGHT: 32,
  LABEL_WIDTH: 160,
  DEFAULT_CELL: 256,
  MIN_CELL: 32,
  MAX_CELL: 1024,
  /** Above this many pixels of cells, the cell size is reduced so a 100-seed × 50-strength grid stays in memory. */
  MAX_CELL_PIXELS: 64_000_000,
} as const;

/** Fill of a cell without an image (missing, failed, still pending, unreadable). */
export const PLACEHOLDER_GREY = { r: 128, g: 128, b: 128 } as const;

const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
/** Rough advance of an average glyph of FONT, in em; used to fit and truncate labels. */
const EM_PER_CHAR = 0.62;
/** How many cells are read and resized at once. */
const CONCURRENCY = 8;

/** Escapes text for an SVG text node or attribute, dropping characters XML 1.0 cannot hold at all. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDFFF]/g, (c, i: number, s: string) => {
      // Keep well-formed surrogate pairs, drop lone halves.
      const code = c.charCodeAt(0);
      if (code <= 0xdbff) return /[\uDC00-\uDFFF]/.test(s[i + 1] ?? '') ? c : '';
      return /[\uD800-\uDBFF]/.test(s[i - 1] ?? '') ? c : '';
    })
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `text` cut to at most `max` characters (code points), with an ellipsis when cut. */
function truncate(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  if (chars.length <= max) return chars.join('');
  return `${chars
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`;
}

/** A font size (px) at which `text` fits into `width`, at most `max` and at least 7. */
function fitFont(text: string, width: number, max: number): number {
  const chars = Math.max(1, Array.from(text).length);
  return Math.max(7, Math.min(max, Math.floor(width / (chars * EM_PER_CHAR))));
}

function svgText(
  text: string,
  x: number,
  y: number,
  size: number,
  opts: { anchor?: 'start' | 'middle'; fill?: string; weight?: string } = {},
): string {
  return `<text x="${x}" y="${y}" font-family="${FONT}" font-size="${size}" font-weight="${opts.weight ?? 'normal'}" fill="${opts.fill ?? '#111'}" text-anchor="${opts.anchor ?? 'start'}" dominant-baseline="central">${escapeXml(text)}</text>`;
}

/** "LoRA 0.5": a strength as typed, without float noise (0.30000000000000004 → 0.3). */
function strengthLabel(strength: number | null | undefined, k: number): string {
  if (strength === null || strength === undefined) return `LoRA #${k + 1}`;
  return `LoRA ${Number(strength.toPrecision(6))}`;
}

type Cell = { kind: 'image'; pixels: Buffer; channels: 1 | 2 | 3 | 4 } | { kind: 'placeholder'; label: string };

/** Reads and resizes one cell's image, or says why there is none. */
async function renderCell(sessionId: string, result: Result | undefined, cell: number): Promise<Cell> {
  if (!result) return { kind: 'placeholder', label: 'missing' };
  if (result.status === 'failed') return { kind: 'placeholder', label: 'failed' };
  if (result.status !== 'done') return { kind: 'placeholder', label: 'pending' };
  let bytes: Buffer;
  try {
    bytes = await readSessionImage(sessionId, result.filename);
  } catch (err) {
    if (isApiError(err)) return { kind: 'placeholder', label: 'missing' };
    throw err;
  }
  try {
    const { data, info } = await sharp(bytes).resize(cell, cell, { fit: 'cover' }).raw().toBuffer({ resolveWithObject: true });
    return { kind: 'image', pixels: data, channels: info.channels };
  } catch {
    return { kind: 'placeholder', label: 'unreadable' };
  }
}

async function mapLimit<T, U>(items: T[], limit: number, fn: (item: T) => Promise<U>): Promise<U[]> {
  const out = new Array<U>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * One labelled PNG of every image of prompt `promptIndex`: rows are the seeds, columns the baseline and then each
 * LoRA strength (see GRID_LAYOUT). Each image is resized to `opts.cell` px square (`fit: 'cover'`, default 256; large
 * grids get smaller cells, see MAX_CELL_PIXELS); a cell without an image is grey and says "missing", "failed",
 * "pending" or "unreadable". Throws ApiError bad_request for an unknown prompt index or a cell size outside 32–1024,
 * conflict when no image of the prompt exists yet.
 */
export async function renderPromptGrid(session: Session, promptIndex: number, opts: { cell?: number } = {}): Promise<Buffer> {
  const setup = session.step_1_setup;
  const pair = setup.prompt_pairs[promptIndex];
  if (!Number.isInteger(promptIndex) || promptIndex < 0 || !pair) {
    throw new ApiError('bad_request', `session ${session.session_id} has no prompt ${promptIndex + 1}`);
  }
  const requested = opts.cell ?? GRID_LAYOUT.DEFAULT_CELL;
  if (!Number.isInteger(requested) || requested < GRID_LAYOUT.MIN_CELL || requested > GRID_LAYOUT.MAX_CELL) {
    throw new ApiError('bad_request', `cell size must be a whole number from ${GRID_LAYOUT.MIN_CELL} to ${GRID_LAYOUT.MAX_CELL}`);
  }

  const results = session.step_2_generation.results.filter((r) => r.prompt_index === promptIndex);
  // Rows: every seed index of Setup or of the results (migrated sessions may hold more seeds than Setup lists).
  const seedIndexes = [...new Set([...setup.seeds.map((_, s) => s), ...results.map((r) => r.seed_index)])].sort((a, b) => a - b);
  const strengthCount = Math.max(setup.weight_range.length, ...results.map((r) => (r.strength_index === null ? 0 : r.strength_index + 1)));
  // Columns: the baseline, then every strength (one file), or every variant grouped by file (several files).
  const files = loraFiles(setup);
  const labels = fileLabels(files);
  const columns: ({ k: number; f: number } | null)[] = [
    null,
    ...(files.length > 1
      ? planVariants(setup).map((v) => ({ k: v.strength_index, f: v.lora_index }))
      : Array.from({ length: strengthCount }, (_, k) => ({ k, f: 0 }))),
  ];
  if (seedIndexes.length === 0) throw new ApiError('conflict', `prompt ${promptIndex + 1} has no images yet`);

  const rows = seedIndexes.length;
  const cols = columns.length;
  const cell = Math.max(GRID_LAYOUT.MIN_CELL, Math.min(requested, Math.floor(Math.sqrt(GRID_LAYOUT.MAX_CELL_PIXELS / (rows * cols)))));
  const { TITLE_HEIGHT, HEADER_HEIGHT, LABEL_WIDTH } = GRID_LAYOUT;
  const top = TITLE_HEIGHT + HEADER_HEIGHT;
  const width = LABEL_WIDTH + cols * cell;
  const height = top + rows * cell;

  const keyOf = (s: number, c: { k: number; f: number } | null) => (c === null ? `${s}:b` : `${s}:${c.f}:${c.k}`);
  const byKey = new Map(
    results.map((r) => [keyOf(r.seed_index, r.strength_index === null ? null : { k: r.strength_index, f: r.lora_index ?? 0 }), r]),
  );
  const slots = seedIndexes.flatMap((s, row) => columns.map((c, col) => ({ row, col, result: byKey.get(keyOf(s, c)) })));
  const cells = await mapLimit(slots, CONCURRENCY, (slot) => renderCell(session.session_id, slot.result, cell));
  if (!cells.some((c) => c.kind === 'image')) {
    throw new ApiError('conflict', `prompt ${promptIndex + 1} has no images yet`);
  }

  // All labels and placeholders in one transparent SVG laid over the canvas.
  const svg: string[] = [];
  const pad = 10;
  const lora = files.length > 1 ? `${files.length} files` : setup.lora_filename || '(no LoRA chosen)';
  const loraPart = `  ·  LoRA: ${truncate(lora, 60)}`;
  const titleSize = 16;
  const titleChars = Math.floor((width - 2 * pad) / (titleSize * EM_PER_CHAR));
  const promptPart = truncate(`Prompt ${promptIndex + 1}: ${pair.positive}`, Math.max(12, titleChars - Array.from(loraPart).length));
  const title = `${promptPart}${loraPart}`;
  svg.push(svgText(title, pad, TITLE_HEIGHT / 2, fitFont(title, width - 2 * pad, titleSize), { weight: 'bold' }));

  columns.forEach((c, col) => {
    const strength = c && strengthLabel(setup.weight_range[c.k] ?? results.find((r) => r.strength_index === c.k)?.strength, c.k);
    const label = c === null ? 'Baseline' : files.length > 1 ? `${labels[c.f] ?? `file ${c.f + 1}`} · ${strength}` : strength!;
    const x = LABEL_WIDTH + col * cell + cell / 2;
    svg.push(svgText(label, x, TITLE_HEIGHT + HEADER_HEIGHT / 2, fitFont(label, cell - 8, 15), { anchor: 'middle', weight: 'bold' }));
  });
  seedIndexes.forEach((s, row) => {
    const seed = setup.seeds[s] ?? results.find((r) => r.seed_index === s)?.seed;
    const label = seed === undefined ? `seed #${s + 1}` : `seed ${seed}`;
    const y = top + row * cell + cell / 2;
    svg.push(svgText(label, pad, y, fitFont(label, LABEL_WIDTH - 2 * pad, 14)));
  });
  const grey = `rgb(${PLACEHOLDER_GREY.r},${PLACEHOLDER_GREY.g},${PLACEHOLDER_GREY.b})`;
  slots.forEach((slot, i) => {
    const c = cells[i];
    if (!c || c.kind !== 'placeholder') return;
    const x = LABEL_WIDTH + slot.col * cell;
    const y = top + slot.row * cell;
    svg.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${grey}"/>`);
    svg.push(svgText(c.label, x + cell / 2, y + cell / 2, fitFont(c.label, cell - 8, 16), { anchor: 'middle', fill: '#f2f2f2' }));
  });
  const overlay = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${svg.join('')}</svg>`,
  );

  const composites: OverlayOptions[] = [];
  slots.forEach((slot, i) => {
    const c = cells[i];
    if (c?.kind !== 'image') return;
    composites.push({
      input: c.pixels,
      raw: { width: cell, height: cell, channels: c.channels },
      left: LABEL_WIDTH + slot.col * cell,
      top: top + slot.row * cell,
    });
  });
  composites.push({ input: overlay, left: 0, top: 0 });

  return sharp({ create: { width, height, channels: 3, background: '#ffffff' }, limitInputPixels: false })
    .composite(composites)
    .png({ compressionLevel: 6 })
    .toBuffer();
}
