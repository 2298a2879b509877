/**
 * The LoRA's "user metadata" sidecar for AUTOMATIC1111's web UI (and Forge, which keeps the same code): a JSON file
 * with the LoRA's base name and `.json` in place of its extension, saved next to the LoRA file. Pure: no I/O, safe in
 * server and client bundles.
 *
 * Where the format comes from (https://github.com/AUTOMATIC1111/stable-diffusion-webui):
 * - modules/extra_networks.py `get_user_metadata(filename)`: `basename, ext = os.path.splitext(filename)`;
 *   `metadata_filename = basename + '.json'`, read with `json.load`. So `my_lora.safetensors` → `my_lora.json`.
 * - extensions-builtin/Lora/ui_edit_user_metadata.py
 *   (https://github.com/AUTOMATIC1111/stable-diffusion-webui/blob/master/extensions-builtin/Lora/ui_edit_user_metadata.py)
 *   `LoraUserMetadataEditor.save_lora_user_metadata` writes the keys
 *   `"description"`, `"sd version"`, `"activation text"`, `"preferred weight"`, `"negative text"` and `"notes"`;
 *   its "Stable Diffusion version" dropdown offers 'SD1', 'SD2', 'SDXL', 'SD3', 'Unknown', and its "Preferred weight"
 *   slider (0–2, step 0.01) says "Set to 0 to disable".
 * - extensions-builtin/Lora/ui_extra_networks_lora.py `create_item`: `preferred_weight = user_metadata.get("preferred
 *   weight", 0.0)`; the card inserts `<lora:NAME:` + (`str(preferred_weight) if preferred_weight else
 *   opts.extra_networks_default_multiplier`) + `>`, then " " + "activation text" when it is not empty. So a preferred
 *   weight of 0 (or no key) means "use the global default multiplier (1.0 unless changed in Settings)" — it can never
 *   mean "insert at strength 0". `"sd version"` is used only when it names a member of `network.SdVersion` (Unknown,
 *   SD1, SD2, SDXL in A1111; Forge adds Flux); otherwise the version detected from the file's own metadata is used.
 *   A card whose version differs from the loaded checkpoint's is hidden (unless "show all" is on); "Unknown" is always
 *   shown unless the user listed the model's version in `lora_hide_unknown_for_versions` (empty by default). Note that
 *   "Unknown" is itself a member, so writing it overrides A1111's own detection: the card is then shown whatever
 *   checkpoint is loaded, which is the safe side of a guess.
 * - modules/ui_extra_networks.py `read_user_metadata`: a `"description"` key replaces the description read from
 *   `<name>.txt` on the card.
 *
 * We write five of these keys; `"negative text"` is left out (this tool knows no LoRA-specific negative prompt), and
 * A1111 treats a missing key as empty. A negative or > 2 recommended strength is written as it is: the prompt insertion
 * uses it, only the editor's slider cannot show it.
 */
import type { Session } from '@/lib/sessions/schema';
import type { Report } from './report';

/** The `"sd version"` values we write: members of A1111's `network.SdVersion` (so A1111 and Forge both accept them). */
export type SdVersion = 'SD1' | 'SD2' | 'SDXL' | 'Unknown';

/** Exactly the keys A1111's `LoraUserMetadataEditor` saves and `ui_extra_networks_lora.py` reads (minus "negative text"). */
export const SIDECAR_KEYS = ['description', 'sd version', 'activation text', 'preferred weight', 'notes'] as const;

/**
 * Python's `os.path.splitext(basename)[0]` of a LoRA file name, after dropping any folder (ComfyUI names LoRAs in
 * subfolders `style/my_lora.safetensors`, with `\` on Windows). Leading dots do not start an extension, as in Python.
 */
export function loraBaseName(loraFilename: string): string {
  const base = loraFilename.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  // splitext: a dot only counts when something other than dots comes before it.
  return dot > 0 && /[^.]/.test(base.slice(0, dot)) ? base.slice(0, dot) : base;
}

/**
 * The Stable Diffusion family of the checkpoint the LoRA was tested on, guessed from names, for A1111's `"sd version"`.
 * A wrong SD1/SD2/SDXL hides the LoRA in A1111 when another family is loaded, so the guess is conservative:
 *
 * 1. A custom workflow's own `source` wins: 'sdxl' → SDXL, 'sd15' → SD1, 'flux' → Unknown.
 * 2. Otherwise the checkpoint's name as ComfyUI lists it, folders included (people file checkpoints under "SDXL/",
 *    "SD1.5/"…), case-insensitive:
 *    - other families that A1111's enum does not name (Flux, SD3/3.5, Stable Cascade, Hunyuan, AuraFlow, Kolors,
 *      PixArt, Playground, Lumina, HiDream, Wan, Chroma) → Unknown;
 *    - "xl" anywhere (sdxl, sd_xl_base_1.0, juggernautXL, RealVisXL…), or the SDXL-based Pony / Illustrious / NoobAI
 *      families → SDXL;
 *    - "sd2"/"sd-v2"/"sd 2.1", a name starting "v2-0"/"v2-1" (v2-1_768-ema-pruned), "768-v-ema", "512-base-ema",
 *      "stable-diffusion-2" → SD2;
 *    - "sd1"/"sd15"/"sd-v1-5"/"sd 1.5", a name starting "v1-4"/"v1-5" (v1-5-pruned-emaonly), "stable-diffusion-v1" →
 *      SD1. A bare "v1.5" elsewhere is a fine-tune's own version number, not the base model's, and is not used;
 *    - anything else (e.g. community fine-tunes like "dreamshaper_8" whose names carry no version, or no checkpoint
 *      at all) → Unknown, which A1111 shows for every model by default.
 */
export function sdVersionOf(setup: Pick<Session['step_1_setup'], 'checkpoint' | 'workflow'>): SdVersion {
  const source = setup.workflow?.source;
  if (source === 'sdxl') return 'SDXL';
  if (source === 'sd15') return 'SD1';
  if (source === 'flux') return 'Unknown';
  const name = setup.checkpoint.trim().toLowerCase();
  if (!name) return 'Unknown';
  if (
    /flux|(^|[^a-z0-9])sd[-_ ]?v?3|stable[-_ ]?diffusion[-_ ]?v?3|cascade|hunyuan|auraflow|kolors|pixart|playground|lumina|hidream|wan2|chroma/.test(
      name,
    )
  ) {
    return 'Unknown';
  }
  if (/xl|pony|illustrious|noobai/.test(name)) return 'SDXL';
  if (/(^|[^a-z0-9])sd[-_ ]?v?2|^v2[-_.][01]([^0-9]|$)|768-v-ema|512-base-ema|stable[-_ ]?diffusion[-_ ]?v?2/.test(name)) {
    return 'SD2';
  }
  if (/(^|[^a-z0-9])sd[-_ ]?v?1|^v1[-_.][45]([^0-9]|$)|stable[-_ ]?diffusion[-_ ]?v?1/.test(name)) return 'SD1';
  return 'Unknown';
}

/** "2024-01-15" (UTC) for a session timestamp in seconds; empty when it is not a date. */
function isoDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}

/**
 * The A1111/Forge sidecar of the session's LoRA: `filename` is `<LoRA base name>.json` (to be saved next to the LoRA
 * file; with several files, the recommended variant's file, else the first), `json` has exactly SIDECAR_KEYS:
 * - `"description"`: one line saying what was tested and the outcome;
 * - `"sd version"`: sdVersionOf(setup);
 * - `"activation text"`: the session's trigger words (trimmed; "" when none);
 * - `"preferred weight"`: the recommended strength, or 0 when there is no recommendation (A1111 then inserts its
 *   default multiplier, see the module header);
 * - `"notes"`: the recommendation's reason, the session id and date, and the session's own notes.
 */
export function loraSidecar(session: Session, report: Report): { filename: string; json: Record<string, unknown> } {
  const setup = session.step_1_setup;
  const rec = report.recommendation;
  // Several files (issue 15): the sidecar belongs to the recommended variant's file (the first file with none).
  const chosen = report.lora_files?.[rec.lora_index ?? 0] ?? setup.lora_filename;
  const base = loraBaseName(chosen) || 'lora';
  const which =
    report.lora_files && rec.strength !== null ? ` (${chosen.split(/[\\/]/).pop()}, of ${report.lora_files.length} files tested)` : '';
  const checkpoint = setup.checkpoint.split(/[\\/]/).pop() || 'the checkpoint of the session';
  const date = isoDate(session.timestamp);
  const description =
    rec.strength === null
      ? `LoRA Bench blind A/B test against ${checkpoint}: no strength beat the baseline with confidence.`
      : `LoRA Bench blind A/B test against ${checkpoint}: recommended strength ${rec.strength}${which}.`;
  const notes = [
    rec.reason,
    `LoRA Bench session ${session.session_id}${date ? ` (${date})` : ''}: ${report.judgments} blind judgments, ` +
      `strengths ${report.strengths.join(', ')}, metrics ${report.metrics.join(', ')}.`,
    session.notes.trim(),
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    filename: `${base}.json`,
    json: {
      description,
      'sd version': sdVersionOf(setup),
      'activation text': setup.trigger_words.trim(),
      'preferred weight': rec.strength ?? 0,
      notes,
    },
  };
}
