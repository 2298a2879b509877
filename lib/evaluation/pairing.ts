import seedrandom from 'seedrandom';
import type { BlindPair, Result } from '@/lib/sessions/schema';

/**
 * The blind evaluation order (DESIGN.md section 4): one pair per LoRA image, against the baseline of the same prompt
 * and seed, shuffled with Fisher–Yates driven by `seedrandom(secret)`, each pair's left side drawn from the same
 * stream. The same results and secret always give the same order and sides; callers pass a secret from
 * newOrderSecret (lib/evaluation/secret.ts), never a value a client can read (sessions from before secret
 * randomization were seeded with their id and the rater's name, which is why those are marked in the report). `newToken` makes each pair's opaque image
 * token (random in production, so a token says nothing about its pair). Pairs whose images are not both done are left
 * out. `repeatShare` (0–0.5) adds that share of pairs again, later and with sides swapped, as self-consistency
 * controls (`repeat: true`, pair_id suffixed `#r`).
 */
export function makeBlindPairs(secret: string, results: Result[], newToken: () => string, repeatShare = 0): BlindPair[] {
  const done = new Map(results.filter((r) => r.status === 'done').map((r) => [r.image_id, r]));
  const pairs: BlindPair[] = [];
  for (const lora of results) {
    if (lora.role !== 'lora' || lora.status !== 'done' || lora.strength === null || lora.strength_index === null) continue;
    const baseline = done.get(`baseline_${lora.prompt_index}_${lora.seed_index}`);
    if (!baseline) continue;
    pairs.push({
      pair_id: `p${lora.prompt_index}_s${lora.seed_index}_k${lora.strength_index}`,
      token: '',
      left: 'baseline',
      baseline_image_id: baseline.image_id,
      lora_image_id: lora.image_id,
      prompt_index: lora.prompt_index,
      seed_index: lora.seed_index,
      strength_index: lora.strength_index,
      strength: lora.strength,
      repeat: false,
    });
  }
  const rng = seedrandom(secret);
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
  }
  const order: BlindPair[] = pairs.map((p) => ({ ...p, left: rng() < 0.5 ? 'lora' : 'baseline', token: newToken() }));
  // Controls: a share of pairs comes back later with sides swapped (pair_id + "#r"), each placed after its original.
  const repeats = Math.round(order.length * repeatShare);
  for (const original of order.slice(0, repeats)) {
    const from = order.indexOf(original) + 1;
    const at = from + Math.floor(rng() * (order.length - from + 1));
    order.splice(at, 0, {
      ...original,
      pair_id: `${original.pair_id}#r`,
      left: original.left === 'lora' ? 'baseline' : 'lora',
      token: newToken(),
      repeat: true,
    });
  }
  return order;
}
