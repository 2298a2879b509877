import type { ZodError } from 'zod';
import { ReadySetupSchema, type Setup } from '@/lib/sessions/schema';

// Why Setup cannot start yet, field by field, in the words of the form (issue 16: "Prompts: 0.positive: …" was
// 0-based while the form says "Prompt 1", and zod's own "Too big: expected array to have <=100 items" reached the
// user). Pure: the Setup tab shows these next to its fields.

/** How the form names one item of each list field. */
const ITEM: Record<string, string> = { prompt_pairs: 'Prompt', seeds: 'Seed', weight_range: 'Strength', metrics: 'Metric' };

/**
 * The first problem of each field of Setup that ReadySetupSchema refuses, keyed as the form's fields are: a top-level
 * field (`seeds`, `checkpoint`), one prompt's text (`prompt_pairs.0.positive`) or one sampler setting
 * (`sampler.width`). Items count from 1, as the form labels them ("Prompt 2: …", "Seed 3: …").
 */
export function setupIssues(setup: Setup): Map<string, string> {
  const parsed = ReadySetupSchema.safeParse(setup);
  return parsed.success ? new Map() : issuesOf(parsed.error);
}

/** See setupIssues: the messages of a ReadySetupSchema error. */
export function issuesOf(error: ZodError): Map<string, string> {
  const out = new Map<string, string>();
  for (const issue of error.issues) {
    const [field, index, sub] = issue.path;
    if (field === undefined) continue;
    let key = String(field);
    let message = issue.message;
    if (field === 'prompt_pairs' && typeof index === 'number') {
      key = `prompt_pairs.${index}.${String(sub ?? 'positive')}`;
      message = `Prompt ${index + 1}: ${issue.message}`;
    } else if (field === 'sampler' && index !== undefined) {
      key = `sampler.${String(index)}`;
    } else if (typeof index === 'number' && ITEM[key]) {
      message = `${ITEM[key]} ${index + 1}: ${issue.message}`;
    }
    if (!out.has(key)) out.set(key, message);
  }
  return out;
}
