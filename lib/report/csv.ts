/**
 * CSV export of the raw judgments (RFC 4180). Pure: no I/O, safe in server and client bundles.
 */
import { loraFiles } from '@/lib/generation/variants';
import type { BlindPair, Session } from '@/lib/sessions/schema';

export const JUDGMENTS_CSV_COLUMNS = [
  'pair_id',
  'metric',
  'winner',
  'left',
  'rater',
  'at',
  'prompt_index',
  'seed',
  'strength',
  'versus_strength',
  'rating',
  'same_image',
] as const;

/** Added after those in a session of several LoRA files (issue 15): the file of each side, as Setup names it. */
export const FILE_CSV_COLUMNS = ['lora_file', 'versus_lora_file'] as const;

/**
 * One CSV field per RFC 4180 section 2: a field containing a comma, a double quote, CR or LF is enclosed
 * in double quotes, and each double quote inside it is doubled. null/undefined become an empty field.
 * (No spreadsheet formula escaping: values are written exactly as stored.)
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The raw judgments, one row per entry of `scores` in stored order (nothing deduplicated or dropped), every stored
 * field of the score (`rating` empty when not given, `same_image` true/false), with the pair's prompt_index, seed (the
 * value, from Setup's seeds) and strength. Pairs are looked up in the shuffled pairs and in every rater's own order
 * (where each rater's repeated controls are), so a repeat of any rater has them too; a score whose pair_id is in
 * neither gets empty prompt_index/seed/strength. In a pair between two strengths (balanced
 * design) `versus_strength` is the lower one, which stands where the baseline does (`winner` baseline: it won), and
 * is empty in a pair against the baseline. A session of several LoRA files adds FILE_CSV_COLUMNS: the file of the
 * `strength` side and of the `versus_strength` side (empty against the baseline). Header row first; every line, the
 * last included, ends with CRLF.
 */
export function judgmentsCsv(session: Session): string {
  const pairs = new Map<string, BlindPair>();
  for (const r of session.step_3_evaluation.raters) for (const p of r.order) pairs.set(p.pair_id, p);
  for (const p of session.step_2_generation.shuffled_results) pairs.set(p.pair_id, p);
  const seeds = session.step_1_setup.seeds;
  const files = session.step_1_setup.lora_files.length ? loraFiles(session.step_1_setup) : null;
  const lines: string[] = [[...JUDGMENTS_CSV_COLUMNS, ...(files ? FILE_CSV_COLUMNS : [])].join(',')];
  for (const s of session.step_3_evaluation.scores) {
    const pair = pairs.get(s.pair_id);
    lines.push(
      [
        s.pair_id,
        s.metric,
        s.winner,
        s.left,
        s.rater,
        s.at,
        pair?.prompt_index,
        pair ? seeds[pair.seed_index] : undefined,
        pair?.strength,
        pair?.versus_strength_index == null ? undefined : session.step_1_setup.weight_range[pair.versus_strength_index],
        s.rating,
        String(s.same_image),
        ...(files
          ? [
              pair ? files[pair.lora_index ?? 0] : undefined,
              pair?.versus_strength_index == null ? undefined : files[pair.versus_lora_index ?? 0],
            ]
          : []),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.map((l) => `${l}\r\n`).join('');
}
