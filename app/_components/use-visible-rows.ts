'use client';

import { useEffect, useLayoutEffect, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { NO_ROWS, visibleRows, type RowRange } from '@/lib/client/windowing';

/**
 * The rows of the list whose first row starts at the top of `ref` (rows `rowPx` tall, the page scrolling in the
 * window) that are on screen or within `overscan` rows of it. Measured before the first paint, then again at most
 * once a frame on scroll, on resize, and when the page's height changes (content above may have moved the list).
 * While the page prints, every row (a printed page has no scroll position).
 */
export function useVisibleRows(ref: RefObject<HTMLElement | null>, count: number, rowPx: number, overscan: number): RowRange {
  const [range, setRange] = useState<RowRange>(NO_ROWS);
  const [printing, setPrinting] = useState(false);
  useEffect(() => {
    // flushSync: the rows must be in the document before the browser lays out the printed pages.
    const before = () => flushSync(() => setPrinting(true));
    const after = () => setPrinting(false);
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, []);
  useLayoutEffect(() => {
    let frame = 0;
    const measure = () => {
      frame = 0;
      const el = ref.current;
      if (!el) return;
      const next = visibleRows(el.getBoundingClientRect().top, window.innerHeight, count, rowPx, overscan);
      setRange((r) => (r.first === next.first && r.end === next.end ? r : next));
    };
    const schedule = () => {
      frame ||= requestAnimationFrame(measure);
    };
    measure();
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    const resized = new ResizeObserver(schedule);
    resized.observe(document.body);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
      resized.disconnect();
    };
  }, [ref, count, rowPx, overscan]);
  return printing ? { first: 0, end: count } : range;
}
