'use client';

import { useMutation } from '@tanstack/react-query';
import { useCallback } from 'react';
import { saveSetupMutation } from '@/lib/client/setup-mutations';
import { useWorkbenchStore } from './workbench-provider';

/**
 * Save (the sidebar button, Ctrl+S, autosave, and Setup's "Save and start generation"): saves the draft, if any.
 * Resolves true when Setup is saved or had nothing to save, false when it was refused or a conflict is open.
 */
export function useSaveSetup(): () => Promise<boolean> {
  const { mutateAsync } = useMutation(saveSetupMutation(useWorkbenchStore()));
  return useCallback(
    () =>
      mutateAsync().then(
        (result) => result.kind !== 'blocked',
        () => false,
      ),
    [mutateAsync],
  );
}
