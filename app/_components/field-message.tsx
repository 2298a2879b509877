/**
 * The line under a form field: its error when there is one (`error`), else its hint. The id lets the field point at
 * it (`aria-describedby`), and it is a polite live region, so a message that appears while typing is announced.
 */
export function FieldMessage({ id, error, hint }: { id: string; error?: string | null; hint?: string }) {
  if (!error && !hint) return <div id={id} aria-live="polite" />;
  return (
    <div id={id} className={error ? 'field-error' : 'hint'} aria-live="polite">
      {error ?? hint}
    </div>
  );
}
