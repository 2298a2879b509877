'use client';

import { useEffect, useRef, useState } from 'react';

// The two blind images of one pair (pair-screen.tsx): side by side, flickering in one place, or under a swipe divider.

export type Mode = 'side' | 'flicker' | 'swipe';
export const MODES: Mode[] = ['side', 'flicker', 'swipe'];
export const MODE_LABEL: Record<Mode, string> = { side: 'Side by side', flicker: 'Flicker', swipe: 'Swipe' };

/**
 * The two blind images: side by side (optionally at 100% with their scrolling in sync), flickering in one place, or
 * overlaid with a swipe divider. URLs and alt text say only which side an image is on.
 */
export function PairView({ left, right, mode, zoom }: { left: string; right: string; mode: Mode; zoom: boolean }) {
  const [shown, setShown] = useState<'left' | 'right'>('left');
  const [split, setSplit] = useState(50);
  const panes = useRef<Array<HTMLDivElement | null>>([]);
  useEffect(() => {
    if (mode !== 'flicker') return;
    const t = setInterval(() => setShown((s) => (s === 'left' ? 'right' : 'left')), 700);
    return () => clearInterval(t);
  }, [mode]);
  const sync = (from: number) => {
    const a = panes.current[from];
    const b = panes.current[1 - from];
    if (a && b) {
      b.scrollLeft = a.scrollLeft;
      b.scrollTop = a.scrollTop;
    }
  };
  if (mode === 'flicker') {
    return (
      <div className="pair single">
        <figure>
          <img src={shown === 'left' ? left : right} alt={shown === 'left' ? 'Left image' : 'Right image'} />
          <figcaption>{shown === 'left' ? 'Left' : 'Right'} (flicker)</figcaption>
        </figure>
      </div>
    );
  }
  if (mode === 'swipe') {
    return (
      <div className="pair single">
        <div className="swipe">
          <img src={left} alt="Left image" />
          <img src={right} alt="Right image" style={{ clipPath: `inset(0 0 0 ${split}%)` }} />
        </div>
        <input type="range" min={0} max={100} value={split} aria-label="Swipe divider" onChange={(e) => setSplit(Number(e.target.value))} />
        <div className="muted">Left ◀ divider ▶ Right</div>
      </div>
    );
  }
  return (
    <div className={`pair${zoom ? ' zoomed' : ''}`}>
      {[left, right].map((src, i) => (
        <figure key={i}>
          <div className="pane" ref={(el) => void (panes.current[i] = el)} onScroll={() => sync(i)}>
            <img src={src} alt={i === 0 ? 'Left image' : 'Right image'} />
          </div>
          <figcaption>{i === 0 ? 'Left' : 'Right'}</figcaption>
        </figure>
      ))}
    </div>
  );
}
