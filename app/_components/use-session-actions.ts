'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { confirmDropEdits } from '@/lib/client/confirm';
import { requestHeadingFocus } from '@/lib/client/focus-request';
import { sessionPath } from '@/lib/client/routes';
import {
  createSessionMutation,
  importMutation,
  openSessionMutation,
  relaunchMutation,
  restoreMutation,
} from '@/lib/client/session-mutations';
import { saveAsNewMutation } from '@/lib/client/setup-mutations';
import type { ClientSession } from '@/lib/sessions/view';
import { useWorkbenchStore } from './workbench-provider';

/**
 * The actions that open another session, each navigating to that session's URL at its current step once the server
 * answered: New, Load, Relaunch, Save as new, import and restore. All but Save as new (which keeps the edits in the
 * copy) ask first when Setup has unsaved edits, and agreeing drops them, so autosave does not save what was given up.
 */
export function useSessionActions() {
  const router = useRouter();
  const store = useWorkbenchStore();
  const create = useMutation(createSessionMutation());
  const open = useMutation(openSessionMutation());
  const relaunch = useMutation(relaunchMutation());
  const copy = useMutation(saveAsNewMutation(store));
  const importZip = useMutation(importMutation());
  const restore = useMutation(restoreMutation());

  const show = (session: ClientSession) => {
    requestHeadingFocus();
    router.push(sessionPath(session.session_id, session.step));
  };
  const leave = () => {
    if (!confirmDropEdits(store.getState().draft !== null)) return false;
    store.getState().dropDraft();
    return true;
  };
  const load = (id: string) => open.mutate(id, { onSuccess: show });

  return {
    newSession: () => {
      if (leave()) create.mutate(undefined, { onSuccess: show });
    },
    load: (id: string) => {
      if (leave()) load(id);
    },
    relaunch: (id: string) => {
      if (leave()) relaunch.mutate(id, { onSuccess: show });
    },
    saveAsNew: (id: string) => copy.mutate(id, { onSuccess: show }),
    importZip: (file: Blob) => {
      if (leave()) importZip.mutate(file, { onSuccess: show });
    },
    restore: (name: string) => {
      // A damaged folder comes back damaged: it stays in the list, with nothing to open.
      if (leave()) restore.mutate(name, { onSuccess: (row) => !row.damaged && load(row.session_id) });
    },
  };
}
