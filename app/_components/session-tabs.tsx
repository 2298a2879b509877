'use client';

import Link from 'next/link';
import { sessionPath, STEPS } from '@/lib/client/routes';
import { STEP_NAMES, type Step } from '@/lib/sessions/schema';

/**
 * The four steps of session `id` as tabs. Each step the session has reached is a link to its URL, so back and
 * forward move between tabs; the others are disabled. `current`: the step the URL shows, or null.
 */
export function SessionTabs({ id, reached, current }: { id: string; reached: Step; current: Step | null }) {
  return (
    <nav role="tablist" aria-label="Session steps" className="tabs">
      {STEPS.map((step) =>
        step <= reached ? (
          <Link key={step} role="tab" aria-selected={current === step} href={sessionPath(id, step)} className="tab">
            {step}. {STEP_NAMES[step]}
          </Link>
        ) : (
          <button key={step} role="tab" aria-selected={false} disabled className="tab">
            {step}. {STEP_NAMES[step]}
          </button>
        ),
      )}
    </nav>
  );
}
