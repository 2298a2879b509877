import { describe, expect, it } from 'vitest';
import { NO_ROWS, visibleRows } from '@/lib/client/windowing';

describe('visibleRows', () => {
  it('takes the rows meeting the viewport, plus the overscan, clamped to the list', () => {
    // Rows of 100 px starting 250 px down a 1000 px viewport: rows 0..7 (the last from 950 to 1050) meet it.
    expect(visibleRows(250, 1000, 50, 100, 0)).toEqual({ first: 0, end: 8 });
    expect(visibleRows(250, 1000, 50, 100, 2)).toEqual({ first: 0, end: 10 });
    expect(visibleRows(250, 1000, 5, 100, 2)).toEqual({ first: 0, end: 5 });
  });

  it('follows a scroll: a list that started 1,230 px above the viewport shows rows 12..22', () => {
    expect(visibleRows(-1230, 1000, 50, 100, 0)).toEqual({ first: 12, end: 23 });
    expect(visibleRows(-1230, 1000, 50, 100, 3)).toEqual({ first: 9, end: 26 });
  });

  it('is empty for a list wholly below or above the viewport, and for no rows', () => {
    expect(visibleRows(1500, 1000, 50, 100, 3)).toEqual(NO_ROWS);
    expect(visibleRows(-6000, 1000, 50, 100, 3)).toEqual(NO_ROWS);
    expect(visibleRows(0, 1000, 0, 100, 3)).toEqual(NO_ROWS);
  });

  it('shows the overscan rows of a list just below the viewport', () => {
    expect(visibleRows(1050, 1000, 50, 100, 3)).toEqual({ first: 0, end: 3 });
  });
});
