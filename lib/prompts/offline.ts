// The offline prompt and metric generator: no network, seeded with `seedrandom`, so the same brief + seed always
// gives the same prompts. Pure: usable on the server and in tests.
import seedrandom from 'seedrandom';
import type { GeneratedPrompt } from './schema';

export const DEFAULT_NEGATIVE =
  'lowres, blurry, jpeg artifacts, watermark, text, signature, bad anatomy, extra fingers, deformed, worst quality';

const SUBJECTS = [
  'close-up portrait',
  'full-body figure',
  'two people interacting',
  'small animal',
  'still life arrangement',
  'wide landscape',
  'architectural detail',
  'vehicle',
  'crowd scene',
  'character in motion',
  'hands holding an object',
  'food on a table',
];
const SETTINGS = [
  'in a busy city street',
  'in a quiet forest',
  'on a beach at low tide',
  'inside a cozy kitchen',
  'in a snowy mountain village',
  'in a neon-lit alley',
  'in an empty desert',
  'in a sunlit library',
  'on a rooftop garden',
  'in a rainy train station',
  'in a minimalist studio',
  'in a medieval castle hall',
];
const LIGHTING = [
  'golden hour light',
  'soft overcast light',
  'dramatic rim lighting',
  'harsh midday sun',
  'moonlight',
  'candlelight',
  'studio softbox lighting',
  'neon glow',
  'backlit haze',
  'low-key chiaroscuro',
];
const CAMERA = [
  '35mm lens, eye level',
  '85mm lens, shallow depth of field',
  'wide-angle, low angle',
  'overhead shot',
  'macro shot',
  'telephoto, compressed perspective',
  'rule of thirds composition',
  'centered symmetrical composition',
  'dutch angle',
  'medium shot',
];
const STYLES = [
  'photorealistic',
  'oil painting',
  'watercolor',
  'anime illustration',
  'digital concept art',
  'charcoal sketch',
  '3d render',
  'vintage film photo',
  'flat vector art',
  'cinematic still',
];

/** A deterministic shuffled copy of `list`. */
function shuffled<T>(list: readonly T[], rng: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * `n` distinct prompts combining the brief with a subject, setting, lighting, camera/composition and style, each
 * drawn from a seeded shuffle so consecutive prompts differ in every part. Trigger words are not put in the text
 * (Setup's `append_trigger` adds them); they only vary the seed. Same brief + trigger words + seed => same prompts.
 */
export function offlinePrompts(req: { brief: string; trigger_words?: string; n: number; seed?: string | number }): GeneratedPrompt[] {
  const brief = req.brief.trim().replace(/\s+/g, ' ');
  const n = Math.max(0, Math.floor(req.n));
  const rng = seedrandom(`${brief}\u0000${(req.trigger_words ?? '').trim()}\u0000${req.seed ?? ''}`);
  const lists = [SUBJECTS, SETTINGS, LIGHTING, CAMERA, STYLES].map((l) => shuffled(l, rng));
  const seen = new Set<string>();
  const out: GeneratedPrompt[] = [];
  for (let attempt = 0; out.length < n && attempt < n * 50; attempt++) {
    // The first rounds walk each shuffled list in step (all parts differ between neighbours); later rounds pick at random.
    const parts = lists.map((l) => (attempt < l.length ? l[attempt] : l[Math.floor(rng() * l.length)]) ?? '');
    const positive = [brief, ...parts].join(', ');
    if (seen.has(positive)) continue;
    seen.add(positive);
    out.push({ positive, negative: DEFAULT_NEGATIVE });
  }
  return out;
}

/** `text` cut at a word boundary to at most `max` characters. */
function clip(text: string, max: number): string {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t.length <= max) return t;
  const cut = t.slice(0, max + 1);
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : t.slice(0, max)).replace(/[\s,.;:-]+$/, '');
}

/**
 * Suggested metrics: Quality, Coherence, Style, "Likeness to <first trigger word>" when trigger words are given, and
 * "Fits <brief>" (every name at most 40 characters, none repeated).
 */
export function offlineMetrics(brief: string, trigger_words = ''): string[] {
  const metrics = ['Quality', 'Coherence', 'Style'];
  const trigger = trigger_words
    .split(',')
    .map((t) => t.trim())
    .find(Boolean);
  if (trigger) metrics.push(clip(`Likeness to ${trigger}`, 40));
  const b = brief.trim();
  if (b) metrics.push(clip(`Fits ${b}`, 40));
  return [...new Set(metrics)];
}
