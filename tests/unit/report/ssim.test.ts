import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyJudgment } from '@/lib/evaluation/blind';
import { raterAddedEvent } from '@/lib/evaluation/raters';
import { applyEvent } from '@/lib/sessions/events';
import { similarityOf } from '@/lib/report/similarity';
import { meanSd, ssimDistance, type Pixels } from '@/lib/report/ssim';
import { attackSession, writeAttackSession } from '../../helpers/blind-attack-kit';

/** A 32 × 32 grey image (R = G = B) from a pixel function. */
function grey(f: (x: number, y: number) => number): Pixels {
  const data = new Uint8ClampedArray(32 * 32 * 4);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      const i = (y * 32 + x) * 4;
      data[i] = data[i + 1] = data[i + 2] = f(x, y);
      data[i + 3] = 255;
    }
  }
  return { data, width: 32, height: 32 };
}

const a = grey((x, y) => (x * 7 + y * 13) % 256);
const b = grey((x, y) => Math.floor((((x * 7 + y * 13) % 256) * 0.6 + 60 + ((x * y) % 17)) % 256));
const c = grey((x, y) => 255 - ((x * 7 + y * 13) % 256));

describe('ssimDistance', () => {
  /**
   * References from scikit-image 0.26.0: 1 − skimage.metrics.structural_similarity(p, q, data_range=255,
   * gaussian_weights=True, sigma=1.5, use_sample_covariance=False) on the same arrays (NumPy, float64).
   */
  it('is 1 − SSIM as scikit-image computes it with the Gaussian window of Wang et al.', () => {
    expect(ssimDistance(a, b)).toBeCloseTo(0.16468250619534497, 10);
    expect(ssimDistance(a, c)).toBeCloseTo(1.6795355114442083, 10);
    expect(ssimDistance(a, a)).toBe(0);
  });

  it('refuses images of different sizes or below the window', () => {
    expect(() => ssimDistance(a, { ...a, width: 16, height: 64 })).toThrow(RangeError);
    const tiny = { data: new Uint8ClampedArray(10 * 10 * 4), width: 10, height: 10 };
    expect(() => ssimDistance(tiny, tiny)).toThrow(RangeError);
  });

  it('summarises with the mean and the sample standard deviation', () => {
    expect(meanSd([1, 2, 3, 4])).toEqual({ mean: 2.5, sd: Math.sqrt(5 / 3) });
    expect(meanSd([0.5])).toEqual({ mean: 0.5, sd: null });
    expect(meanSd([])).toEqual({ mean: null, sd: null });
  });
});

describe('similarityOf', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-ssim-'));
    process.env.SESSIONS_DIR = dir;
  });
  afterAll(async () => {
    delete process.env.SESSIONS_DIR;
    await rm(dir, { recursive: true, force: true });
  });

  it('measures every LoRA image against its baseline: the placebo 0, the others apart', async () => {
    const s = attackSession('20240115_143022', 'balanced', 2, 3, [0, 0.5, 1]);
    await writeAttackSession(dir, s);
    const got = await similarityOf(s);
    expect(got.rows.map((r) => [r.strength, r.n])).toEqual([
      [0, 6],
      [0.5, 6],
      [1, 6],
    ]);
    // Strength 0 renders the baseline's pixels again.
    expect(got.rows[0]).toMatchObject({ placebo: true, mean: 0, sd: 0 });
    for (const r of got.rows.slice(1)) expect(r.mean!).toBeGreaterThan(0.01);
  });

  it('answers only when the report would: not while the owner rates blind', async () => {
    const s = attackSession('20240115_143023', 'balanced', 1, 2, [0, 1]);
    await writeAttackSession(dir, s);
    // The owner rating on their own screens, one judgment in: the labelled figures stay closed.
    applyEvent(s, raterAddedEvent(s, 'me')!, 'now');
    applyJudgment(s, { index: 0, choices: { Quality: 'left', Style: 'left', Coherence: 'left' }, rater: 'me' }, 'now');
    await expect(similarityOf(s)).rejects.toMatchObject({ code: 'blind_rating' });
    s.step_2_generation.generation_complete = false;
    await expect(similarityOf(s)).rejects.toMatchObject({ code: 'conflict' });
  });
});
