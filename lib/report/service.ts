import 'server-only';
import { ApiError } from '@/lib/api/errors';
import type { Session } from '@/lib/sessions/schema';
import { buildReport, type Report } from './report';

/**
 * The report the browser may see. Before evaluation is complete the statistics are shown but the reveal (which side
 * was the LoRA for each pair) is withheld, so opening the Report tab early cannot unblind the rater. Throws ApiError
 * conflict before generation is complete.
 */
export function reportForClient(session: Session): Report {
  if (!session.step_2_generation.generation_complete) {
    throw new ApiError('conflict', 'the report needs a finished generation and some judgments');
  }
  const report = buildReport(session);
  return report.complete ? report : { ...report, reveal: [] };
}
