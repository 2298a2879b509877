'use client';

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/client/api';
import { LookGate } from './look-gate';
import { ReportTabView } from './report-tab-view';
import { useOpenSession } from './session-context';

/**
 * Step 4: loads the report and shows it (report-tab-view.tsx: the same components as the HTML export), once the
 * owner is not rating blind (LookGate).
 */
export function ReportTab() {
  return (
    <LookGate what="The report">
      <Report />
    </LookGate>
  );
}

function Report() {
  const { session_id: id, revision } = useOpenSession();
  const { data: report, error } = useQuery({ queryKey: ['report', id, revision], queryFn: () => api.report(id) });
  // The images do not change once generated: measured once per session.
  const { data: similarity, isError } = useQuery({
    queryKey: ['similarity', id],
    queryFn: () => api.similarity(id),
    enabled: !!report,
    staleTime: Infinity,
  });
  if (!report) return <div className="muted">{error?.message ?? 'Computing the report…'}</div>;
  return <ReportTabView sessionId={id} report={report} similarity={isError ? null : similarity} />;
}
