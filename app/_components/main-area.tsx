'use client';

import type { ReactNode } from 'react';
import { ConflictBanner } from './conflict-banner';
import { useWorkbench } from './workbench-provider';

function ErrorBanner() {
  const error = useWorkbench((s) => s.error);
  const setError = useWorkbench((s) => s.setError);
  if (!error) return null;
  return (
    <div role="alert" className="banner error">
      <span>{error}</span>
      <button className="link" onClick={() => setError(null)} aria-label="Dismiss error">
        ×
      </button>
    </div>
  );
}

/** The main area of every page: a save conflict with its choices, then the last error, then the page. `empty`: the narrow welcome layout. */
export function MainArea({ children, empty = false }: { children: ReactNode; empty?: boolean }) {
  return (
    <main className={empty ? 'main empty' : 'main'}>
      <ConflictBanner />
      <ErrorBanner />
      {children}
    </main>
  );
}
