import type { WorkbenchStore } from './store';

/**
 * Calls `save` once `ms` have passed since the last Setup edit: every new draft restarts the timer, and none runs
 * while a save conflict is open (each save would be refused again). Returns the function that stops it.
 */
export function startAutosave(store: WorkbenchStore, save: () => unknown, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(timer);
    const { draft, conflict } = store.getState();
    if (draft && !conflict) timer = setTimeout(save, ms);
  };
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.draft !== prev.draft || s.conflict !== prev.conflict) schedule();
  });
  schedule();
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}
