import type { Setup } from '@/lib/sessions/schema';

/**
 * Several LoRA files in one session (issue 15): the files of a Setup, kohya's epoch names, and the variants a plan
 * renders. A variant is (LoRA file index, strength index); strength 0 renders the baseline's picture whatever the
 * file (ComfyUI's LoraLoader returns the model unchanged at strength 0), so it is planned for file 0 only. Pure: no
 * I/O, safe in server and client bundles.
 */

/** The LoRA files of a session: `lora_files` when set, else the one `lora_filename` (one-file and original sessions). */
export function loraFiles(setup: Pick<Setup, 'lora_files' | 'lora_filename'>): string[] {
  return setup.lora_files.length ? [...setup.lora_files] : [setup.lora_filename];
}

/** A kohya-style epoch file name, `<run>-<6 digits>.safetensors` (sd-scripts' `train_util.get_epoch_ckpt_name`). */
const EPOCH_NAME = /^(.+)-(\d{6})\.(?:safetensors|ckpt|pt)$/;

/** The run and epoch of a kohya epoch file name (folders kept in the run), or null for any other name. */
export function parseEpoch(filename: string): { run: string; epoch: number } | null {
  const m = EPOCH_NAME.exec(filename);
  return m ? { run: m[1]!, epoch: Number(m[2]) } : null;
}

/**
 * The epoch runs among `names`: each run with at least two epoch files, its files sorted by epoch. Input: the
 * server's LoRA list. Output: runs in order of their first file in `names`.
 */
export function epochRuns(names: readonly string[]): { run: string; files: string[] }[] {
  const runs = new Map<string, { file: string; epoch: number }[]>();
  for (const file of names) {
    const e = parseEpoch(file);
    if (!e) continue;
    const list = runs.get(e.run) ?? [];
    list.push({ file, epoch: e.epoch });
    runs.set(e.run, list);
  }
  return [...runs]
    .filter(([, files]) => files.length >= 2)
    .map(([run, files]) => ({ run, files: files.sort((a, b) => a.epoch - b.epoch).map((f) => f.file) }));
}

/** A file name without folders and extension. */
const stem = (file: string): string => (file.split(/[\\/]/).pop() ?? file).replace(/\.(?:safetensors|ckpt|pt)$/, '');

/**
 * A short label per file: `epoch N` when every file is an epoch of the same run, else the file's stem (its name
 * without folders and extension).
 */
export function fileLabels(files: readonly string[]): string[] {
  const epochs = files.map(parseEpoch);
  const oneRun = epochs.every((e) => e !== null && e.run === epochs[0]!.run);
  return oneRun ? epochs.map((e) => `epoch ${e!.epoch}`) : files.map(stem);
}

/** One LoRA variant of the plan. */
export interface Variant {
  lora_index: number;
  strength_index: number;
  strength: number;
}

/** What a plan's variants depend on; `lora_strengths` may be left out (every file at every strength). */
export type VariantSetup = Pick<Setup, 'lora_files' | 'lora_filename' | 'weight_range'> & Partial<Pick<Setup, 'lora_strengths'>>;

/**
 * Every variant, grouped by file (file 0's strengths first). A file takes its own strengths of `lora_strengths` when
 * it has some there, else every strength; strength 0 (the placebo) is file 0's only.
 */
export function planVariants(setup: VariantSetup): Variant[] {
  return loraFiles(setup).flatMap((file, f) => {
    const own = setup.lora_strengths?.[file];
    return setup.weight_range.flatMap((strength, k) =>
      (strength === 0 ? f > 0 : own !== undefined && !own.includes(strength)) ? [] : [{ lora_index: f, strength_index: k, strength }],
    );
  });
}

/**
 * The Generation grid's LoRA columns (after the baseline): one file, `LoRA <strength>` per strength; several files,
 * every variant of planVariants labelled `<file label> · <strength>`. `variants` is null for one file.
 */
export function gridColumns(setup: VariantSetup): {
  labels: string[];
  variants: Variant[] | null;
} {
  const files = loraFiles(setup);
  if (files.length < 2) return { labels: setup.weight_range.map((w) => `LoRA ${w}`), variants: null };
  const names = fileLabels(files);
  const variants = planVariants(setup);
  return { labels: variants.map((v) => `${names[v.lora_index]} · ${v.strength}`), variants };
}

/**
 * The LoRA files of a session in a few words, for lists and titles: the one file's name; `<run> (epochs 4, 8, 12)`
 * for epochs of one kohya run; else the first file and how many more. '' when there is none.
 */
export function lorasInWords(files: readonly string[]): string {
  const named = files.filter(Boolean);
  if (named.length < 2) return named[0] ?? '';
  const epochs = named.map(parseEpoch);
  if (epochs.every((e) => e !== null && e.run === epochs[0]!.run)) {
    return `${epochs[0]!.run} (epochs ${epochs.map((e) => e!.epoch).join(', ')})`;
  }
  return `${named[0]} + ${named.length - 1} more`;
}

/**
 * The strengths of a Setup in words: the list, or per file when strengths differ by file ("epoch 4: 0.5, 1; epoch 8:
 * 1"), strength 0 (rendered once for all files) first.
 */
export function strengthsInWords(setup: VariantSetup): string {
  if (!Object.keys(setup.lora_strengths ?? {}).length) return setup.weight_range.join(', ');
  const files = loraFiles(setup);
  const labels = fileLabels(files);
  const variants = planVariants(setup);
  const perFile = files.map((_, f) => {
    const own = variants.filter((v) => v.lora_index === f && v.strength !== 0).map((v) => v.strength);
    return `${labels[f]}: ${own.join(', ') || 'none'}`;
  });
  return [...(setup.weight_range.includes(0) ? ['0 (all files)'] : []), ...perFile].join('; ');
}
