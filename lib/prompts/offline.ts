// The offline prompt and metric generator: no network, seeded with `seedrandom`, so the same brief + seed always
// gives the same prompts. Pure: usable on the server and in tests.
import seedrandom from 'seedrandom';
import type { GeneratedPrompt } from './schema';

export const DEFAULT_NEGATIVE =
  'lowres, blurry, jpeg artifacts, watermark, text, signature, bad anatomy, extra fingers, deformed, worst quality';

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
 * `n` distinct prompts combining the brief with a setting, lighting, camera/composition and style, each drawn from
 * a seeded shuffle so consecutive prompts differ in every part. The brief is the subject: no other subject (a vehicle,
 * a crowd, an animal) is added to it, so every prompt still shows what the brief asks for. Trigger words are not put in the text
 * (Setup's `append_trigger` adds them); they only vary the seed. Same brief + trigger words + seed => same prompts.
 */
export function offlinePrompts(req: { brief: string; trigger_words?: string; n: number; seed?: string | number }): GeneratedPrompt[] {
  const brief = req.brief.trim().replace(/\s+/g, ' ');
  const n = Math.max(0, Math.floor(req.n));
  const rng = seedrandom(`${brief}\u0000${(req.trigger_words ?? '').trim()}\u0000${req.seed ?? ''}`);
  const lists = [SETTINGS, LIGHTING, CAMERA, STYLES].map((l) => shuffled(l, rng));
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

/** Metric names are at most this long (MetricSchema). */
const NAME_MAX = 40;

/**
 * Suggested metrics: Quality, Coherence, Style, "Likeness to <first trigger word>" when trigger words are given, and
 * "Fits <brief>". A name that would pass 40 characters says "the trigger" or "the brief" instead: a name is never cut
 * mid-phrase. None repeated.
 */
export function offlineMetrics(brief: string, trigger_words = ''): string[] {
  const metrics = ['Quality', 'Coherence', 'Style'];
  const trigger = trigger_words
    .split(',')
    .map((t) => t.trim())
    .find(Boolean);
  const named = (whole: string, short: string) => (whole.length <= NAME_MAX ? whole : short);
  if (trigger) metrics.push(named(`Likeness to ${trigger}`, 'Likeness to the trigger'));
  const b = brief.trim().replace(/\s+/g, ' ');
  if (b) metrics.push(named(`Fits ${b}`, 'Fits the brief'));
  return [...new Set(metrics)];
}
