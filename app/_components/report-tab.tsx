'use client';

import { useEffect, useState } from 'react';
import { api } from '@/lib/client/api';
import type { ClientReport } from '@/lib/report/service';
import { ReportTabView } from './report-tab-view';
import { useWorkbench } from './workbench-provider';

/** Step 4: loads the report and shows it (report-tab-view.tsx: the same components as the HTML export). */
export function ReportTab() {
  const id = useWorkbench((s) => s.session!.session_id);
  const [report, setReport] = useState<ClientReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.report(id).then(setReport, (err: Error) => setError(err.message));
  }, [id]);

  if (!report) return <div className="muted">{error ?? 'Computing the report…'}</div>;
  return <ReportTabView sessionId={id} report={report} />;
}
