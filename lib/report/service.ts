import 'server-only';
import { ApiError } from '@/lib/api/errors';
import type { Session } from '@/lib/sessions/schema';
import { reportExtras } from './extras';
import { countJudgments } from './judgments';
import { buildReport } from './report';
import type { ClientReport } from './schema';

export type { ClientReport } from './schema';

/**
 * The report the browser may see. Before evaluation is complete the statistics are shown but the reveal (which side
 * was the LoRA for each pair) is withheld, so opening the Report tab early cannot unblind the rater. Throws ApiError
 * conflict before generation is complete.
 */
export function reportForClient(session: Session): ClientReport {
  if (!session.step_2_generation.generation_complete) {
    throw new ApiError('conflict', 'the report needs a finished generation and some judgments');
  }
  const judgments = countJudgments(session);
  const base = buildReport(session, judgments);
  const report = { ...base, ...reportExtras(session, base, judgments) };
  return report.complete ? report : { ...report, reveal: [] };
}
