'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * Removing rater `name`, their judgments kept or dropped by the owner's choice: "Remove…" shows the two choices in
 * place, with Cancel. Focus goes to the first choice, and back to "Remove…" after Cancel.
 */
export function RemoveRater({ name, busy, onRemove }: { name: string; busy: boolean; onRemove: (drop: boolean) => void }) {
  const [asking, setAsking] = useState(false);
  const [cancelled, setCancelled] = useState(false);
  const first = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) first.current?.focus();
    else if (cancelled) opener.current?.focus();
  }, [asking, cancelled]);
  if (!asking) {
    return (
      <button ref={opener} onClick={() => setAsking(true)} disabled={busy} aria-label={`Remove… ${name}`}>
        Remove…
      </button>
    );
  }
  return (
    <span role="group" aria-label={`Remove ${name}`} className="remove-rater">
      <span>Remove {name}? Their link stops working.</span>
      <button ref={first} onClick={() => onRemove(false)} disabled={busy}>
        Keep their judgments
      </button>
      <button onClick={() => onRemove(true)} disabled={busy}>
        Drop their judgments
      </button>
      <button
        onClick={() => {
          setAsking(false);
          setCancelled(true);
        }}
      >
        Cancel
      </button>
    </span>
  );
}
