import { describe, expect, it } from 'vitest';
import { ewma, MAX_DEPTH, shouldTake, targetDepth, type Pace } from '@/lib/generation/pacing';

const pace = (inflight: number, msPerImage: number | null, turnaroundMs: number | null = 200): Pace => ({
  inflight,
  msPerImage,
  turnaroundMs,
});

describe('pacing', () => {
  it('keeps a server deep enough to cover the turnaround, between the minimum and MAX_DEPTH', () => {
    expect(targetDepth(pace(0, null), 2)).toBe(2);
    expect(targetDepth(pace(0, 500, 180), 2)).toBe(2);
    expect(targetDepth(pace(0, 100, 180), 2)).toBe(3);
    expect(targetDepth(pace(0, 40, 180), 1)).toBe(6);
    expect(targetDepth(pace(0, 1, 1000), 2)).toBe(MAX_DEPTH);
    expect(targetDepth(pace(0, 750, 180), 1)).toBe(2);
  });

  it('averages measurements', () => {
    expect(ewma(null, 500)).toBe(500);
    expect(ewma(500, 600)).toBeCloseTo(530);
  });

  it('every server takes while many images remain', () => {
    expect(shouldTake(pace(1, 750), [pace(2, 250)], 20)).toBe(true);
    expect(shouldTake(pace(0, null), [pace(0, 250)], 1)).toBe(true);
  });

  it('near the end a slow server leaves the last image to a faster one that finishes it sooner', () => {
    // Slow: 2 × 750 = 1500 ms; fast with 1 in flight finishes slots at 500, 750, 1000, 1250 ms.
    expect(shouldTake(pace(1, 750), [pace(1, 250)], 1)).toBe(false);
    expect(shouldTake(pace(1, 750), [pace(1, 250)], 5)).toBe(true);
    // The fast one takes it.
    expect(shouldTake(pace(1, 250), [pace(1, 750)], 1)).toBe(true);
  });

  it('with nothing in flight the fastest server always takes, and equal servers do not wait on each other', () => {
    expect(shouldTake(pace(0, 250), [pace(0, 750), pace(0, 500)], 1)).toBe(true);
    expect(shouldTake(pace(0, 500), [pace(0, 500)], 1)).toBe(true);
  });
});
