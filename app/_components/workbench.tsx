'use client';

import { useEffect, type ReactNode } from 'react';
import { startAutosave } from '@/lib/client/autosave';
import type { ComfyConfig } from '@/lib/comfy/config';
import { Sidebar } from './sidebar';
import { useSaveSetup } from './use-save-setup';
import { useWorkbenchStore, WorkbenchProvider } from './workbench-provider';

/** Saving that does not depend on the page: autosave `autosaveMs` after the last Setup edit, and Ctrl+S (Cmd+S). */
function SaveKeys({ autosaveMs }: { autosaveMs: number }) {
  const store = useWorkbenchStore();
  const save = useSaveSetup();
  useEffect(() => startAutosave(store, save, autosaveMs), [store, save, autosaveMs]);
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
  return null;
}

/** The frame of every workbench page: the per-tab providers, the sidebar, saving, and the page (`children`) beside it. */
export function Workbench({ comfy, autosaveMs, children }: { comfy: ComfyConfig; autosaveMs: number; children: ReactNode }) {
  return (
    <WorkbenchProvider>
      <SaveKeys autosaveMs={autosaveMs} />
      <div className="layout">
        <Sidebar comfy={comfy} />
        {children}
      </div>
    </WorkbenchProvider>
  );
}
