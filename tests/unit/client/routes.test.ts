import { describe, expect, it } from 'vitest';
import { allowedStep, compareIds, comparePath, reachableStep, sessionPath, stepOfSlug, STEPS } from '@/lib/client/routes';

describe('URL ↔ step', () => {
  it('each step has its segment, and the segment maps back to the step', () => {
    expect(STEPS.map((s) => sessionPath('20240115_143022', s))).toEqual([
      '/sessions/20240115_143022/setup',
      '/sessions/20240115_143022/generation',
      '/sessions/20240115_143022/evaluation',
      '/sessions/20240115_143022/report',
    ]);
    for (const step of STEPS) expect(stepOfSlug(sessionPath('x', step).split('/').pop()!)).toBe(step);
    expect(sessionPath('20240115_143022')).toBe('/sessions/20240115_143022');
  });

  it('an unknown segment is no step', () => {
    for (const slug of ['', 'Setup', 'reports', '1', 'constructor', 'toString']) expect(stepOfSlug(slug)).toBeNull();
  });

  it('a step not reached yet gives way to the current step; a reached one stays', () => {
    expect(allowedStep(4, 1)).toBe(1);
    expect(allowedStep(3, 2)).toBe(2);
    expect(allowedStep(4, 2)).toBe(2);
    expect(allowedStep(2, 4)).toBe(2);
    expect(allowedStep(3, 3)).toBe(3);
  });

  it('during evaluation the Report is reachable (interim), before it not', () => {
    expect([1, 2, 3, 4].map((s) => reachableStep(s as 1 | 2 | 3 | 4))).toEqual([1, 2, 4, 4]);
    expect(allowedStep(4, 3)).toBe(4);
  });

  it('ids round-trip through the comparison URL, in their order', () => {
    const ids = ['20240115_143022', '20240115_143022_2', '20240101_000000'];
    const query = new URL(comparePath(ids), 'http://x').searchParams.get('ids') ?? undefined;
    expect(compareIds(query)).toEqual(ids);
  });

  it('the ids parameter: commas split, blanks trimmed and dropped, repeated parameters joined, repeats kept', () => {
    expect(compareIds(' a, b,,c ,')).toEqual(['a', 'b', 'c']);
    expect(compareIds(['a,b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(compareIds('a,a')).toEqual(['a', 'a']);
    expect(compareIds(undefined)).toEqual([]);
  });
});
