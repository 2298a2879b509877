import 'server-only';
import sharp from 'sharp';
import { fileLabels, loraFiles, planVariants } from '@/lib/generation/variants';
import { readSessionImage } from '@/lib/sessions/images';
import type { Result, Session } from '@/lib/sessions/schema';
import type { Similarity, SimilarityRow } from './schema';
import { assertReportOpen } from './service';
import { meanSd, ssimDistance, type Pixels } from './ssim';

/** Images are compared at this width (height in proportion), where SSIM sees structure rather than noise and costs ~1 ms. */
export const SIMILARITY_WIDTH = 128;
const CACHE_SIZE = 32;
/** Session id + the generated files -> the figures: the images of a finished generation never change. */
const cache = new Map<string, Similarity>();

async function pixelsOf(session: Session, r: Result): Promise<Pixels> {
  const { data, info } = await sharp(await readSessionImage(session.session_id, r.filename))
    .resize({ width: SIMILARITY_WIDTH })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/**
 * Per strength of Setup (several files: per variant, file × strength), how far the LoRA images move from the baseline
 * of the same prompt and seed: mean and spread of 1 − SSIM (lib/report/ssim.ts) over the (prompt, seed) pairs whose
 * two images are done, scaled to SIMILARITY_WIDTH px wide. The placebo (strength 0) renders the baseline again, so its distance is 0 unless the
 * server is not deterministic. Cached per session and set of files.
 *
 * @throws ApiError as assertReportOpen (conflict before generation is complete, blind_rating while the owner rates
 *   blind), and not_found when an image file is missing.
 */
export async function similarityOf(session: Session): Promise<Similarity> {
  assertReportOpen(session);
  const done = session.step_2_generation.results.filter((r) => r.status === 'done');
  const key = `${session.session_id}\u0000${done.map((r) => r.filename).join('\u0000')}`;
  const hit = cache.get(key);
  if (hit) return hit;

  const baselines = new Map(done.filter((r) => r.role === 'baseline').map((r) => [`${r.prompt_index}_${r.seed_index}`, r]));
  const base = new Map<string, Pixels>();
  // One row per variant (lib/generation/variants.ts): per strength with one file, per file × strength with several.
  const setup = session.step_1_setup;
  const variants = planVariants(setup);
  const distances = new Map(variants.map((v) => [`${v.lora_index}:${v.strength_index}`, [] as number[]]));
  for (const r of done) {
    if (r.role !== 'lora' || r.strength_index === null) continue;
    const b = baselines.get(`${r.prompt_index}_${r.seed_index}`);
    const list = distances.get(`${r.lora_index ?? 0}:${r.strength_index}`);
    if (!b || !list) continue;
    let bp = base.get(b.filename);
    if (!bp) {
      bp = await pixelsOf(session, b);
      base.set(b.filename, bp);
    }
    const lp = await pixelsOf(session, r);
    if (lp.width === bp.width && lp.height === bp.height && lp.width >= 11 && lp.height >= 11) list.push(ssimDistance(lp, bp));
  }
  const files = loraFiles(setup);
  const labels = fileLabels(files);
  const rows: SimilarityRow[] = variants.map(({ lora_index, strength_index, strength }) => {
    const list = distances.get(`${lora_index}:${strength_index}`)!;
    return {
      strength_index,
      ...(files.length > 1 ? { lora_index, file: labels[lora_index]! } : {}),
      strength,
      placebo: strength === 0,
      n: list.length,
      ...meanSd(list),
    };
  });
  const out = { width: SIMILARITY_WIDTH, rows };
  cache.set(key, out);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return out;
}
