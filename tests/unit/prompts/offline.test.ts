import { describe, expect, it } from 'vitest';
import { DEFAULT_NEGATIVE, offlineMetrics, offlinePrompts } from '@/lib/prompts/offline';
import { GeneratedPromptsSchema, SuggestedMetricsSchema } from '@/lib/prompts/schema';

const brief = 'a knight in shining armour';

describe('offlinePrompts', () => {
  it('gives identical prompts for the same brief and seed', () => {
    const a = offlinePrompts({ brief, trigger_words: 'kn1ght', n: 6, seed: 42 });
    const b = offlinePrompts({ brief, trigger_words: 'kn1ght', n: 6, seed: 42 });
    expect(a).toEqual(b);
    expect(offlinePrompts({ brief, n: 3, seed: 'abc' })).toEqual(offlinePrompts({ brief, n: 3, seed: 'abc' }));
  });

  it('gives different prompts for another seed or brief', () => {
    const a = offlinePrompts({ brief, n: 6, seed: 1 });
    expect(offlinePrompts({ brief, n: 6, seed: 2 })).not.toEqual(a);
    expect(offlinePrompts({ brief: 'a red fox', n: 6, seed: 1 })).not.toEqual(a);
  });

  it('respects n, includes the brief, and never repeats a prompt', () => {
    for (const n of [1, 4, 12, 20]) {
      const prompts = offlinePrompts({ brief, n, seed: n });
      expect(prompts).toHaveLength(n);
      expect(new Set(prompts.map((p) => p.positive)).size).toBe(n);
      for (const p of prompts) {
        expect(p.positive.startsWith(brief)).toBe(true);
        expect(p.negative).toBe(DEFAULT_NEGATIVE);
      }
      expect(() => GeneratedPromptsSchema.parse(prompts)).not.toThrow();
    }
  });

  it('varies the parts between neighbouring prompts', () => {
    const prompts = offlinePrompts({ brief, n: 4, seed: 7 }).map((p) => p.positive.slice(brief.length));
    const styles = new Set(prompts.map((p) => p.split(', ').at(-1)));
    expect(styles.size).toBe(4);
  });

  it('adds no subject of its own to the brief', () => {
    for (const p of offlinePrompts({ brief, n: 20, seed: 5 })) {
      expect(p.positive).not.toMatch(/vehicle|crowd|animal|food|two people|still life|hands holding|portrait|figure/);
    }
  });

  it('does not need trigger words and keeps them out of the text', () => {
    expect(offlinePrompts({ brief, n: 2 })).toHaveLength(2);
    expect(offlinePrompts({ brief, trigger_words: '', n: 2, seed: 3 })).toHaveLength(2);
    for (const p of offlinePrompts({ brief, trigger_words: 'zztrig', n: 5, seed: 3 })) expect(p.positive).not.toContain('zztrig');
  });
});

describe('offlineMetrics', () => {
  it('suggests the basics and a brief-derived metric', () => {
    const m = offlineMetrics(brief);
    expect(m.slice(0, 3)).toEqual(['Quality', 'Coherence', 'Style']);
    expect(m.some((x) => x.startsWith('Likeness'))).toBe(false);
    expect(m).toContain('Fits a knight in shining armour');
    expect(() => SuggestedMetricsSchema.parse(m)).not.toThrow();
  });

  it('adds the likeness metric when trigger words are given', () => {
    const m = offlineMetrics(brief, ' kn1ght, armour style ');
    expect(m).toContain('Likeness to kn1ght');
  });

  it('never cuts a name mid-phrase: a long brief or trigger is named, not clipped', () => {
    expect(offlineMetrics('portraits of a knight in shining armour at dawn', 'averyveryverylongtriggerwordthatkeepsgoingon')).toEqual([
      'Quality',
      'Coherence',
      'Style',
      'Likeness to the trigger',
      'Fits the brief',
    ]);
  });

  it('keeps every name within 40 characters', () => {
    const m = offlineMetrics('x'.repeat(10) + ' ' + 'word '.repeat(80), 'averyveryverylongtriggerwordthatkeepsgoingon');
    for (const name of m) expect(name.length).toBeLessThanOrEqual(40);
    expect(() => SuggestedMetricsSchema.parse(m)).not.toThrow();
    expect(new Set(m).size).toBe(m.length);
  });
});
