'use client';

import { useCallback, useState, type KeyboardEvent } from 'react';
import type { Choice } from '@/lib/evaluation/blind';

const KEY_TO_CHOICE: Record<string, Choice> = {
  '1': 'left',
  '2': 'tie',
  '3': 'right',
  '4': 'both_bad',
  '5': 'skip',
  ArrowLeft: 'left',
  ArrowDown: 'tie',
  ArrowRight: 'right',
};

/** What the rating screen's keys do (pair-screen.tsx). */
export interface PairKeyActions {
  /** A verdict on the focused metric row. */
  choose: (choice: Choice) => void;
  /** Shift+1–5: "how much better" on the metric chosen last. */
  rate: (n: number) => void;
  previousRow: () => void;
  toggleSame: () => void;
  nextMode: () => void;
  toggleZoom: () => void;
  submit: () => void;
  undo: () => void;
}

/**
 * The rating screen's single-key shortcuts as a keydown handler for the evaluation panel. They act only while the
 * panel itself has focus: a key meant for a focused button, dropdown, checkbox or text field does what that control
 * does (Enter on a button presses it, ArrowDown on a dropdown moves its choice) and never records a verdict. With
 * `enabled` false (the rater switched shortcuts off, WCAG 2.1.4) no key is caught.
 */
export function pairKeyHandler(enabled: boolean, act: PairKeyActions) {
  return (e: KeyboardEvent<HTMLElement>) => {
    if (!enabled || e.target !== e.currentTarget) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const digit = /^Digit([1-5])$/.exec(e.code);
    const letter = e.key.toLowerCase();
    const choice = KEY_TO_CHOICE[e.key];
    let handled = true;
    if (e.shiftKey && digit) act.rate(Number(digit[1]));
    else if (letter === 'x') act.toggleSame();
    else if (letter === 'f') act.nextMode();
    else if (letter === 'z') act.toggleZoom();
    else if (letter === 'u') act.undo();
    else if (choice) act.choose(choice);
    else if (e.key === 'ArrowUp') act.previousRow();
    else if (e.key === 'Enter') act.submit();
    else handled = false;
    if (handled) e.preventDefault();
  };
}

const SHORTCUTS_KEY = 'lorabench.shortcuts';

/** Whether the rating screen's single-key shortcuts are on (default) for this browser, and a way to switch them. */
export function useShortcutsSetting(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => typeof window === 'undefined' || localStorage.getItem(SHORTCUTS_KEY) !== 'off');
  const set = useCallback((next: boolean) => {
    localStorage.setItem(SHORTCUTS_KEY, next ? 'on' : 'off');
    setOn(next);
  }, []);
  return [on, set];
}
