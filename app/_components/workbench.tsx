'use client';

import { useEffect } from 'react';
import type { ComfyConfig } from '@/lib/comfy/config';
import { STEP_NAMES, type Step } from '@/lib/sessions/schema';
import { EvaluationTab } from './evaluation-tab';
import { CompareView } from './compare-view';
import { ConflictBanner } from './conflict-banner';
import { GenerationTab } from './generation-tab';
import { HistoryView } from './history-view';
import { ReportTab } from './report-tab';
import { SetupTab } from './setup-tab';
import { Sidebar } from './sidebar';
import { useWorkbench, WorkbenchProvider } from './workbench-provider';

const STEPS: Step[] = [1, 2, 3, 4];

function Tabs() {
  const tab = useWorkbench((s) => s.tab);
  const reached = useWorkbench((s) => s.session?.step ?? 1);
  const setTab = useWorkbench((s) => s.setTab);
  return (
    <nav role="tablist" aria-label="Session steps" className="tabs">
      {STEPS.map((step) => (
        <button key={step} role="tab" aria-selected={tab === step} disabled={step > reached} onClick={() => setTab(step)} className="tab">
          {step}. {STEP_NAMES[step]}
        </button>
      ))}
    </nav>
  );
}

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

/** The messages above the main area: a save conflict with its choices, then the last error. */
function Banners() {
  return (
    <>
      <ConflictBanner />
      <ErrorBanner />
    </>
  );
}

function Main() {
  const session = useWorkbench((s) => s.session);
  const view = useWorkbench((s) => s.view);
  const compareIds = useWorkbench((s) => s.compareIds);
  const setView = useWorkbench((s) => s.setView);
  const tab = useWorkbench((s) => s.tab);
  const newSession = useWorkbench((s) => s.newSession);
  const refreshList = useWorkbench((s) => s.refreshList);
  const save = useWorkbench((s) => s.save);
  useEffect(() => {
    void refreshList();
  }, [refreshList]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save]);

  if (view === 'history') {
    return (
      <main className="main">
        <Banners />
        <section className="panel">
          <HistoryView />
        </section>
      </main>
    );
  }
  if (view === 'compare') {
    return (
      <main className="main">
        <Banners />
        <section className="panel">
          <div className="plan">
            <h2 style={{ margin: 0 }}>Compare sessions</h2>
            <button onClick={() => setView('history')}>Back to all sessions</button>
          </div>
          <CompareView key={compareIds.join(',')} sessionIds={compareIds} />
        </section>
      </main>
    );
  }
  if (!session) {
    return (
      <main className="main empty">
        <Banners />
        <h1>LoRA Bench</h1>
        <p>Does your LoRA help, and at which strength? Create a session to generate a grid and judge it blind.</p>
        <button className="primary" onClick={() => void newSession()}>
          Create a new session
        </button>
      </main>
    );
  }
  return (
    <main className="main">
      <Banners />
      <Tabs />
      <section role="tabpanel" aria-label={STEP_NAMES[tab]} className="panel">
        {tab === 1 && <SetupTab key={session.session_id} />}
        {tab === 2 && <GenerationTab key={session.session_id} />}
        {tab === 3 && <EvaluationTab key={session.session_id} />}
        {tab === 4 && <ReportTab key={session.session_id} />}
      </section>
    </main>
  );
}

/** The whole app: sidebar with the session controls, and the current session's tabs. */
export function Workbench({ comfy, autosaveMs }: { comfy: ComfyConfig; autosaveMs: number }) {
  return (
    <WorkbenchProvider autosaveMs={autosaveMs}>
      <div className="layout">
        <Sidebar comfy={comfy} />
        <Main />
      </div>
    </WorkbenchProvider>
  );
}
