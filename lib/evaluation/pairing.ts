import seedrandom from 'seedrandom';
import type { BlindPair, Result, Setup } from '@/lib/sessions/schema';

type Rng = () => number;
type Design = Setup['design'];

/** Fisher–Yates, in place, driven by `rng`. */
function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** A picture of one (prompt, seed): the baseline (`k` null) or LoRA file `f` at strength index `k`. */
interface Picture {
  k: number | null;
  f: number;
  strength: number;
  image_id: string;
}

/** `_fF` for a file after the first (file 0's ids are the one-file ids). */
const fileSuffix = (f: number): string => (f > 0 ? `_f${f}` : '');

function pair(p: number, s: number, a: Picture, b: Picture): BlindPair {
  // The baseline, else the earlier file, else the lower strength, takes the baseline's place (see
  // BlindPairSchema.versus_strength_index).
  const [low, high] = a.k === null || (b.k !== null && (a.f < b.f || (a.f === b.f && a.strength <= b.strength))) ? [a, b] : [b, a];
  return {
    pair_id: `p${p}_s${s}_k${high.k}${fileSuffix(high.f)}${low.k === null ? '' : `_v${low.k}${fileSuffix(low.f)}`}`,
    token: '',
    left: 'baseline',
    baseline_image_id: low.image_id,
    lora_image_id: high.image_id,
    prompt_index: p,
    seed_index: s,
    strength_index: high.k as number,
    strength: high.strength,
    repeat: false,
    versus_strength_index: low.k,
    ...(high.f > 0 ? { lora_index: high.f } : {}),
    ...(low.k !== null && low.f > 0 ? { versus_lora_index: low.f } : {}),
  };
}

/**
 * The pairs of one (prompt, seed). Pictures are the baseline and every variant (LoRA file × strength). Strength 0 renders the baseline's picture again (ComfyUI's LoraLoader returns the
 * model unchanged at strength 0), so it is a placebo, paired with the baseline alone. The other pictures: `direct`
 * pairs the baseline with each; `balanced` walks a random cycle through the baseline and every strength, so each
 * picture is in exactly two pairs (baseline–variant and variant–variant, across files too), and no picture is the one that keeps
 * coming back. With one strength both designs are the one pair.
 */
function groupPairs(
  p: number,
  s: number,
  baseline: Picture,
  loras: Picture[],
  design: Design,
  rng: Rng,
): { placebos: BlindPair[]; pairs: BlindPair[] } {
  const placebos = loras.filter((l) => l.strength === 0).map((l) => pair(p, s, baseline, l));
  const active = loras.filter((l) => l.strength !== 0);
  if (design === 'direct' || active.length < 2) return { placebos, pairs: active.map((l) => pair(p, s, baseline, l)) };
  const cycle = shuffle([baseline, ...active], rng);
  return { placebos, pairs: cycle.map((a, i) => pair(p, s, a, cycle[(i + 1) % cycle.length]!)) };
}

/**
 * The blind evaluation order (DESIGN.md section 4) of one rater, made with `seedrandom(secret)`: the pairs of every
 * (prompt, seed) whose images are done (see groupPairs for the two designs), shuffled with Fisher–Yates, each
 * pair's left side drawn from the same stream. Each placebo comes after every other pair of its prompt and seed, and
 * not right after one of them where it can be helped, so the identical pair (which tells its baseline) teaches nothing
 * about a pair still to judge, nor about the one an undo returns to. `repeatShare` (0–0.5) adds that share of
 * non-placebo pairs again, later and with sides swapped, as self-consistency controls (`repeat: true`, pair_id
 * suffixed `#r`). `newToken` makes each pair's opaque image token (random in production, so a token says nothing about
 * its pair). The same results and secret give the same order and sides; callers pass a secret from newOrderSecret
 * (lib/evaluation/secret.ts), never a value a client can read (sessions from before secret randomization were seeded
 * with their id and the rater's name, which is why those are marked in the report).
 */
export function makeBlindPairs(
  secret: string,
  results: Result[],
  newToken: () => string,
  repeatShare = 0,
  design: Design = 'balanced',
): BlindPair[] {
  const rng = seedrandom(secret);
  const done = results.filter((r) => r.status === 'done');
  const baselines = new Map(done.filter((r) => r.role === 'baseline').map((r) => [`${r.prompt_index}_${r.seed_index}`, r]));
  const groups = new Map<string, Picture[]>();
  for (const r of done) {
    if (r.role !== 'lora' || r.strength === null || r.strength_index === null) continue;
    const key = `${r.prompt_index}_${r.seed_index}`;
    if (!baselines.has(key)) continue;
    const list = groups.get(key) ?? [];
    list.push({ k: r.strength_index, f: r.lora_index ?? 0, strength: r.strength, image_id: r.image_id });
    groups.set(key, list);
  }
  const pairs: BlindPair[] = [];
  const placebos: BlindPair[] = [];
  for (const [key, loras] of groups) {
    const b = baselines.get(key)!;
    const made = groupPairs(b.prompt_index, b.seed_index, { k: null, f: 0, strength: 0, image_id: b.image_id }, loras, design, rng);
    pairs.push(...made.pairs);
    placebos.push(...made.placebos);
  }
  const order = shuffle(pairs, rng);
  for (const placebo of placebos) {
    const group = (q: BlindPair) => q.prompt_index === placebo.prompt_index && q.seed_index === placebo.seed_index;
    const last = order.findLastIndex(group);
    // Not right after its own group's last pair, unless nothing else can come in between.
    const from = last < 0 ? 0 : Math.min(last + 2, order.length);
    order.splice(from + Math.floor(rng() * (order.length - from + 1)), 0, placebo);
  }
  const sided: BlindPair[] = order.map((q) => ({ ...q, left: rng() < 0.5 ? 'lora' : 'baseline', token: newToken() }));
  // Controls: a share of non-placebo pairs comes back later with sides swapped (pair_id + "#r"), each after its original.
  const candidates = sided.filter((q) => q.strength !== 0 || q.versus_strength_index !== null);
  const repeats = Math.round(candidates.length * repeatShare);
  for (const original of candidates.slice(0, repeats)) {
    const from = sided.indexOf(original) + 1;
    const at = from + Math.floor(rng() * (sided.length - from + 1));
    sided.splice(at, 0, {
      ...original,
      pair_id: `${original.pair_id}#r`,
      left: original.left === 'lora' ? 'baseline' : 'lora',
      token: newToken(),
      repeat: true,
    });
  }
  return sided;
}
