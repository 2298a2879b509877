'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createQueryClient } from '@/lib/client/query-client';
import { createWorkbenchStore, type WorkbenchState, type WorkbenchStore } from '@/lib/client/store';

const StoreContext = createContext<WorkbenchStore | null>(null);

/**
 * Gives its subtree one workbench store and one query client, made once per browser tab (never shared across
 * requests: on the server each render makes its own, and nothing is fetched there).
 */
export function WorkbenchProvider({ children }: { children: ReactNode }) {
  const [{ store, queryClient }] = useState(() => {
    const store = createWorkbenchStore();
    return { store, queryClient: createQueryClient(store) };
  });
  return (
    <StoreContext.Provider value={store}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </StoreContext.Provider>
  );
}

/** The workbench store itself, for event handlers that read or change it without rendering on its changes. */
export function useWorkbenchStore(): WorkbenchStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useWorkbenchStore must be used inside <WorkbenchProvider>');
  return store;
}

/** Reads a slice of the workbench store; use `useShallow` for selectors that build objects. */
export function useWorkbench<T>(selector: (s: WorkbenchState) => T): T {
  return useStore(useWorkbenchStore(), selector);
}
