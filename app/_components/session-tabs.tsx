'use client';

import Link from 'next/link';
import { useRef, type KeyboardEvent } from 'react';
import { sessionPath, STEPS } from '@/lib/client/routes';
import { STEP_NAMES, type Step } from '@/lib/sessions/schema';

/** The id of step `step`'s tab, which labels the tab panel (session-shell.tsx). */
export const tabId = (step: Step) => `step-tab-${step}`;
export const TAB_PANEL_ID = 'step-panel';

/**
 * The four steps of session `id` as tabs, in the WAI-ARIA tabs pattern with manual activation: one Tab stop (the
 * selected tab), ←/→/Home/End move focus between the tabs the session can reach (`reached`: see reachableStep),
 * Enter or a click opens one. Each reachable step is a link to its URL, so back and forward move between tabs; the
 * others are disabled. `current`: the step the URL shows, or null.
 */
export function SessionTabs({ id, reached, current }: { id: string; reached: Step; current: Step | null }) {
  const list = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const tabs = [...(list.current?.querySelectorAll<HTMLElement>('[role="tab"]:not([aria-disabled="true"])') ?? [])];
    const at = tabs.indexOf(e.target as HTMLElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    tabs[(to + tabs.length) % tabs.length]?.focus();
  };
  const focusable = current !== null && current <= reached ? current : 1;
  return (
    <div role="tablist" aria-label="Session steps" className="tabs" ref={list} onKeyDown={onKeyDown}>
      {STEPS.map((step) =>
        step <= reached ? (
          <Link
            key={step}
            id={tabId(step)}
            role="tab"
            aria-selected={current === step}
            aria-controls={current === step ? TAB_PANEL_ID : undefined}
            tabIndex={step === focusable ? 0 : -1}
            href={sessionPath(id, step)}
            className="tab"
          >
            {step}. {STEP_NAMES[step]}
          </Link>
        ) : (
          <span key={step} id={tabId(step)} role="tab" aria-selected={false} aria-disabled="true" className="tab disabled">
            {step}. {STEP_NAMES[step]}
          </span>
        ),
      )}
    </div>
  );
}
