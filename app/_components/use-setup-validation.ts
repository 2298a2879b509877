'use client';

import { createContext, useCallback, useContext, useState } from 'react';
import type { Setup } from '@/lib/sessions/schema';
import { setupIssues } from '@/lib/setup/issues';

/**
 * The element id of the form control for an issue key of lib/setup/issues.ts, so a message can be tied to its field
 * (`aria-describedby`) and the first problem focused.
 */
export function controlId(key: string): string {
  const prompt = /^prompt_pairs\.(\d+)\./.exec(key);
  if (prompt) return `positive-${prompt[1]}`;
  if (key.startsWith('sampler.')) return `sampler-${key.slice('sampler.'.length)}`;
  const ids: Record<string, string> = {
    checkpoint: 'checkpoint',
    lora_filename: 'lora',
    weight_range: 'list-lora-strengths',
    seeds: 'list-seeds',
    metrics: 'list-metrics',
    prompt_pairs: 'add-prompt',
  };
  return ids[key] ?? 'comfy-url';
}

/** What Setup's fields read: the message to show for a field (null until it may be shown) and "the user left it". */
export interface SetupValidation {
  issue: (key: string) => string | undefined;
  touch: (key: string) => void;
}

export const SetupValidationContext = createContext<SetupValidation>({ issue: () => undefined, touch: () => undefined });

/** The validation of the Setup form being shown (see useSetupValidation). */
export const useFieldIssue = (): SetupValidation => useContext(SetupValidationContext);

/**
 * Setup's problems (the rules the server checks at Start), shown the way forms do: a field's message appears once
 * the user has left that field, and every message once they tried to start; a new session opens without red.
 * `attempt()` marks the try and, when something is wrong, focuses the first field at fault and returns false.
 */
export function useSetupValidation(setup: Setup) {
  const issues = setupIssues(setup);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const touch = useCallback((key: string) => setTouched((t) => (t.has(key) ? t : new Set([...t, key]))), []);
  const shown = (key: string) => attempted || touched.has(key) || touched.has(key.split('.')[0]!);
  const validation: SetupValidation = { issue: (key) => (shown(key) ? issues.get(key) : undefined), touch };
  const attempt = (): boolean => {
    setAttempted(true);
    if (issues.size === 0) return true;
    // The first field at fault in the form's order (the schema's order differs: a checkpoint is checked last).
    const fields = [...issues.keys()].map((key) => document.getElementById(controlId(key))).filter((el) => el !== null);
    fields.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    fields[0]?.focus();
    return false;
  };
  const visible = [...issues].filter(([key]) => shown(key)).map(([, message]) => message);
  return { validation, attempt, ready: issues.size === 0, attempted, visible };
}
