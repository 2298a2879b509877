import type { ReactNode } from 'react';

/**
 * A report table with its caption, in a frame that scrolls sideways on a narrow screen instead of widening the page
 * (the frame is a named, focusable region so a keyboard can scroll it: WCAG 1.4.10 and 2.1.1). Used by the app and
 * the HTML export alike.
 */
export function TableFrame({ caption, testId, children }: { caption: string; testId: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className="stats" data-testid={testId}>
        <caption className="table-caption">{caption}</caption>
        {children}
      </table>
    </div>
  );
}
