/** A half-open range of row indexes, `first` included, `end` excluded; empty when they are equal. */
export interface RowRange {
  first: number;
  end: number;
}

export const NO_ROWS: RowRange = { first: 0, end: 0 };

/**
 * The rows of a list to render: those of `count` rows, each `rowPx` tall, whose top edge is `top` px below the top of
 * a viewport `viewportPx` tall (negative once scrolled past), that meet the viewport, plus `overscan` rows on each side
 * so a scroll shows rows already there. NO_ROWS when the list lies wholly outside.
 */
export function visibleRows(top: number, viewportPx: number, count: number, rowPx: number, overscan: number): RowRange {
  const first = Math.max(0, Math.floor(-top / rowPx) - overscan);
  const end = Math.min(count, Math.ceil((viewportPx - top) / rowPx) + overscan);
  return first < end ? { first, end } : NO_ROWS;
}
