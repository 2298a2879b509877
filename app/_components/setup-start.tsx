'use client';

import type { Setup } from '@/lib/sessions/schema';
import { decisionNote } from '@/lib/setup/presets';
import { planLine } from '@/lib/setup/start';

/** The Start bar: the plan, Save and start (or resume), and why Start was refused. */
export function StartBar(props: {
  setup: Setup;
  resume: boolean;
  busy: boolean;
  blocked: boolean;
  refusal: string | null;
  problems: string[];
  onStart: () => void;
}) {
  const { setup, resume, busy, blocked, refusal, problems, onStart } = props;
  return (
    <>
      <div className="actions">
        <span className="muted" data-testid="plan-summary">
          {planLine(setup)}
          {decisionNote(setup) && <span data-testid="decision-note"> · {decisionNote(setup)}</span>}
        </span>
        <button className="primary" onClick={onStart} disabled={blocked || busy} aria-describedby="start-message">
          {resume ? 'Save and resume generation' : 'Save and start generation'}
        </button>
      </div>
      <div id="start-message" role="alert" data-testid="start-refusal">
        {refusal && <p className="banner error">{refusal}</p>}
        {problems.length > 0 && (
          <div className="banner error">
            <span>
              Setup is not ready yet ({problems.length} {problems.length === 1 ? 'problem' : 'problems'}, each shown at its field):{' '}
              {problems[0]}
            </span>
          </div>
        )}
      </div>
    </>
  );
}
