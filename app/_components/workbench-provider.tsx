'use client';

import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createWorkbenchStore, type WorkbenchState, type WorkbenchStore } from '@/lib/client/store';

const StoreContext = createContext<WorkbenchStore | null>(null);

/** Gives its subtree one workbench store (one per browser tab, never shared across requests). */
export function WorkbenchProvider({ children, autosaveMs }: { children: ReactNode; autosaveMs: number }) {
  const [store] = useState(() => createWorkbenchStore({ autosaveMs }));
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** Reads a slice of the workbench store; use `useShallow` for selectors that build objects. */
export function useWorkbench<T>(selector: (s: WorkbenchState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useWorkbench must be used inside <WorkbenchProvider>');
  return useStore(store, selector);
}
