import 'server-only';
import { ApiError } from '@/lib/api/errors';
import type { Session } from '@/lib/sessions/schema';
import { reportExtras, type ReportExtras } from './extras';
import { buildReport, type Report } from './report';

/** The report as the Report tab and the JSON export get it. */
export type ClientReport = Report & ReportExtras;

/**
 * The report the browser may see. Before evaluation is complete the statistics are shown but the reveal (which side
 * was the LoRA for each pair) is withheld, so opening the Report tab early cannot unblind the rater. Throws ApiError
 * conflict before generation is complete.
 */
export function reportForClient(session: Session): ClientReport {
  if (!session.step_2_generation.generation_complete) {
    throw new ApiError('conflict', 'the report needs a finished generation and some judgments');
  }
  const base = buildReport(session);
  const report = { ...base, ...reportExtras(session, base) };
  return report.complete ? report : { ...report, reveal: [] };
}
