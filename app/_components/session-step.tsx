'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, type ComponentType } from 'react';
import { sessionQuery } from '@/lib/client/queries';
import { allowedStep, reachableStep, sessionPath } from '@/lib/client/routes';
import type { Step } from '@/lib/sessions/schema';
import { EvaluationTab } from './evaluation-tab';
import { GenerationTab } from './generation-tab';
import { ReportTab } from './report-tab';
import { useSessionId } from './session-context';
import { SetupTab } from './setup-tab';

const TABS = { 1: SetupTab, 2: GenerationTab, 3: EvaluationTab, 4: ReportTab } satisfies Record<Step, ComponentType>;

/**
 * The tab of `step` for the open session. A step the session cannot reach yet (decided on a settled answer, not on a
 * copy being refetched; the Report is reachable, interim, during evaluation) gives way to the session's current step, replacing the URL so back does not return to it.
 */
export function SessionStep({ step }: { step: Step }) {
  const id = useSessionId();
  const router = useRouter();
  const { data: session, isFetching } = useQuery(sessionQuery(id));
  const target = session && !isFetching ? allowedStep(step, session.step) : step;
  useEffect(() => {
    if (target !== step) router.replace(sessionPath(id, target));
  }, [router, id, step, target]);

  if (!session || step > reachableStep(session.step)) return <p className="muted">Opening the session…</p>;
  const Tab = TABS[step];
  return <Tab />;
}
