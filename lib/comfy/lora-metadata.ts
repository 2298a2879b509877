// Summaries of a LoRA's kohya-ss training metadata (the `__metadata__` map of its safetensors header): base model,
// model family, rank, alpha, resolution and suggested trigger words, plus a filename heuristic for a checkpoint's
// family so the UI can warn about an SD1 LoRA on an SDXL checkpoint. Pure: the browser uses `summarizeKohya` on local
// files too. The metadata itself comes from ComfyUI through ComfyRunner.loraMetadata (lib/comfy/runner.ts).

export type ModelFamily = 'SD1' | 'SD2' | 'SDXL' | 'Flux' | 'SD3';

export interface KohyaSummary {
  /** `ss_sd_model_name` (the checkpoint trained on), else `modelspec.architecture`, else `ss_base_model_version`. */
  base_model: string | null;
  family: ModelFamily | null;
  /** `ss_network_dim`. */
  rank: number | null;
  /** `ss_network_alpha`. */
  alpha: number | null;
  /** `ss_resolution` `(512, 512)` or `modelspec.resolution` `512x512`, as `512x512`. */
  resolution: string | null;
  /** Top 10 tags of `ss_tag_frequency` by count summed across datasets (ties: alphabetical). */
  trigger_suggestions: string[];
  /**
   * The tags that look like the LoRA's trigger (what "Use as trigger words" fills in): those a dataset folder is named
   * after (kohya's `<repeats>_<name>`, e.g. `10_mytrigger`), else the most frequent tags that are not generic
   * captions such as `1girl` or `portrait`. Empty when no tag stands out.
   */
  trigger_words: string[];
  /** Number of keys in the metadata map. */
  raw_keys: number;
}

const TRIGGER_LIMIT = 10;

function nonEmpty(value: string | undefined): string | null {
  const v = value?.trim();
  return v && v.toLowerCase() !== 'none' && v.toLowerCase() !== 'null' ? v : null;
}

function positiveNumber(value: string | undefined): number | null {
  const v = nonEmpty(value);
  if (v === null) return null;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** Family from kohya's `ss_base_model_version` (`sd_v1`, `sd_v2`, `sdxl_base_v1-0`, `flux1`, `sd3`, …). */
function familyFromBaseVersion(version: string): ModelFamily | null {
  const v = version.toLowerCase();
  if (v.startsWith('flux')) return 'Flux';
  if (v.startsWith('sd3')) return 'SD3';
  if (v.startsWith('sdxl')) return 'SDXL';
  if (v.startsWith('sd_v2')) return 'SD2';
  if (v.startsWith('sd_v1')) return 'SD1';
  return null;
}

/** Family from a ModelSpec `modelspec.architecture` (`stable-diffusion-v1/lora`, `flux-1-dev/lora`, …). */
function familyFromArchitecture(arch: string): ModelFamily | null {
  const a = arch.toLowerCase();
  if (a.startsWith('flux')) return 'Flux';
  if (a.startsWith('stable-diffusion-3')) return 'SD3';
  if (a.startsWith('stable-diffusion-xl')) return 'SDXL';
  if (a.startsWith('stable-diffusion-v2')) return 'SD2';
  if (a.startsWith('stable-diffusion-v1')) return 'SD1';
  return null;
}

/**
 * Guesses a checkpoint's model family from its file name (case-insensitive, folders ignored). Checked in this order,
 * first match wins:
 * - `flux` → Flux
 * - `sd3`, `sd_3`, `stable-diffusion-3` → SD3
 * - `sdxl`, `xl` not followed by a letter (`sd_xl_base`, `juggernautXL_v9`), `pony`, `illustrious` → SDXL
 * - `sd2`, `sd_v2`, `v2-0`/`v2-1`, `768`, `stable-diffusion-2` → SD2
 * - `v1-5`, `v1-4`, `sd15`, `sd_v1`, `1.5`, `dreamshaper`, `realistic` → SD1
 * Anything else is null (unknown): a heuristic, so callers only warn, never refuse.
 */
export function checkpointFamily(name: string): ModelFamily | null {
  const base = (name.split('/').pop() ?? name).toLowerCase();
  if (base.includes('flux')) return 'Flux';
  if (/sd_?3|stable-diffusion-3/.test(base)) return 'SD3';
  if (/sdxl|xl(?![a-z])|pony|illustrious/.test(base)) return 'SDXL';
  if (/sd_?v?2(?![0-9])|v2-[01]|768|stable-diffusion-2/.test(base)) return 'SD2';
  if (/v1-[45]|sd_?15|sd_?v1|1\.5|dreamshaper|realistic/.test(base)) return 'SD1';
  return null;
}

/** The tag totals of `ss_tag_frequency` (a JSON string `{dataset: {tag: count}}`) summed over datasets, and the datasets. */
function tagTotals(tagFrequency: string | undefined): { totals: Map<string, number>; datasets: string[] } {
  const totals = new Map<string, number>();
  if (!tagFrequency) return { totals, datasets: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(tagFrequency);
  } catch {
    return { totals, datasets: [] };
  }
  if (typeof parsed !== 'object' || parsed === null) return { totals, datasets: [] };
  for (const dataset of Object.values(parsed as Record<string, unknown>)) {
    if (typeof dataset !== 'object' || dataset === null) continue;
    for (const [tag, count] of Object.entries(dataset as Record<string, unknown>)) {
      const name = tag.trim();
      if (!name || typeof count !== 'number' || !Number.isFinite(count)) continue;
      totals.set(name, (totals.get(name) ?? 0) + count);
    }
  }
  return { totals, datasets: Object.keys(parsed) };
}

/** Tags by total count (ties alphabetical), top `limit`. */
function topTags(totals: Map<string, number>, limit: number): string[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([tag]) => tag);
}

/** Caption tags that describe the picture, not the LoRA: never a trigger on their own. */
const GENERIC_TAGS = new Set([
  '1girl',
  '1boy',
  '2girls',
  '2boys',
  'solo',
  'multiple girls',
  'portrait',
  'looking at viewer',
  'smile',
  'outdoors',
  'indoors',
  'simple background',
  'white background',
  'upper body',
  'full body',
  'close-up',
  'long hair',
  'short hair',
  'blush',
  'open mouth',
  'photo',
  'realistic',
  'scenery',
  'landscape',
  'day',
  'night',
  'sky',
  'man',
  'woman',
]);

/** See KohyaSummary.trigger_words. */
function triggerWords(totals: Map<string, number>, datasets: string[], ranked: string[]): string[] {
  const named = new Set(datasets.map((d) => /^\d+_(.+)$/.exec(d.trim())?.[1]?.trim().toLowerCase()).filter(Boolean));
  const fromFolders = ranked.filter((tag) => named.has(tag.toLowerCase()));
  if (fromFolders.length) return fromFolders;
  const specific = ranked.filter((tag) => !GENERIC_TAGS.has(tag.toLowerCase()));
  const top = totals.get(specific[0] ?? '') ?? 0;
  // The trigger is in (nearly) every caption: only tags about as frequent as the most frequent specific one.
  return specific.filter((tag) => (totals.get(tag) ?? 0) >= 0.9 * top).slice(0, 2);
}

function resolutionOf(meta: Record<string, string>): string | null {
  const ss = nonEmpty(meta.ss_resolution);
  const m = ss?.match(/^\(?\s*(\d+)\s*,\s*(\d+)\s*\)?$/);
  if (m) return `${m[1]}x${m[2]}`;
  const spec = nonEmpty(meta['modelspec.resolution']);
  const s = spec?.match(/^(\d+)\s*x\s*(\d+)$/i);
  if (s) return `${s[1]}x${s[2]}`;
  return ss ?? spec;
}

/** The parts of kohya-ss (and ModelSpec) LoRA metadata the bench shows; missing or `None` values become null. */
export function summarizeKohya(meta: Record<string, string>): KohyaSummary {
  const { totals, datasets } = tagTotals(meta.ss_tag_frequency);
  const ranked = topTags(totals, TRIGGER_LIMIT);
  const version = nonEmpty(meta.ss_base_model_version);
  const sdModel = nonEmpty(meta.ss_sd_model_name);
  const arch = nonEmpty(meta['modelspec.architecture']);
  const family =
    (version && familyFromBaseVersion(version)) ||
    (arch && familyFromArchitecture(arch)) ||
    (meta.ss_v2 === 'True' ? 'SD2' : null) ||
    (sdModel && checkpointFamily(sdModel)) ||
    null;
  return {
    base_model: sdModel ?? arch ?? version,
    family,
    rank: positiveNumber(meta.ss_network_dim),
    alpha: positiveNumber(meta.ss_network_alpha),
    resolution: resolutionOf(meta),
    trigger_suggestions: ranked,
    trigger_words: triggerWords(totals, datasets, ranked),
    raw_keys: Object.keys(meta).length,
  };
}

/** A warning sentence when the LoRA's and the checkpoint's families are both known and differ; otherwise null. */
export function familyMismatch(lora: ModelFamily | null, checkpoint: ModelFamily | null): string | null {
  if (!lora || !checkpoint || lora === checkpoint) return null;
  return `This LoRA was trained for ${lora} but the checkpoint looks like ${checkpoint}: LoRAs rarely work across model families.`;
}
