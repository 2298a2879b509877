import 'server-only';
import { ApiError } from '@/lib/api/errors';
import { pendingOwnerRaters, startedRaters } from '@/lib/evaluation/raters';
import type { Session, Winner } from '@/lib/sessions/schema';
import { reportExtras } from './extras';
import { countJudgments, type Judgments } from './judgments';
import { buildReport } from './report';
import type { ClientReport, RevealRow } from './schema';

export type { ClientReport } from './schema';

/**
 * The reveal rows with the verdicts of raters not in `hidden` (the last counted score of each); none while every
 * rater with a verdict is hidden.
 */
function revealOf(rows: RevealRow[], j: Judgments, hidden: Set<string>): RevealRow[] {
  if (hidden.size === 0) return rows;
  const shown = j.raters.map((name) => !hidden.has(name));
  if (!shown.some(Boolean)) return [];
  const verdicts: (Record<string, Winner> | undefined)[] = new Array(j.pairs.length);
  j.scores.forEach((s, i) => {
    if (shown[j.raterOf[i] as number]) (verdicts[j.pairOf[i] as number] ??= {})[s.metric] = s.winner;
  });
  return rows.map((r) => ({ ...r, verdicts: verdicts[r.index] ?? {} }));
}

/**
 * Throws unless the owner may read results of `session`: ApiError conflict before generation is complete, and
 * `blind_rating` while the owner is rating it blind on their own screens (pendingOwnerRaters). The report and every
 * figure drawn from the labelled images (lib/report/similarity.ts) pass this gate first.
 */
export function assertReportOpen(session: Session): void {
  if (!session.step_2_generation.generation_complete) {
    throw new ApiError('conflict', 'the report needs a finished generation and some judgments');
  }
  const pending = pendingOwnerRaters(session).map((r) => r.name);
  if (pending.length) {
    throw new ApiError(
      'blind_rating',
      `${pending.join(', ')} ${pending.length > 1 ? 'are' : 'is'} rating this session blind on this screen: looking at the report ends that ` +
        'blind rating (the judgments so far are kept and marked as made before looking)',
    );
  }
}

/**
 * The report the owner's browser may see, interim while raters are still judging (its claims from the look of
 * lib/report/sequential.ts). The reveal (which picture was the
 * LoRA, and each verdict) carries only the verdicts of raters who have finished, were removed or looked; those still
 * judging are named in `reveal_withheld`. Throws ApiError conflict before generation is complete, and `blind_rating`
 * while the owner is rating this session blind on their own screens (pendingOwnerRaters): they open it with
 * `POST /api/sessions/:id/looked` first, which ends that blind rating, so the report is never an oracle to them.
 */
export function reportForClient(session: Session): ClientReport {
  assertReportOpen(session);
  const judgments = countJudgments(session);
  const base = buildReport(session, judgments);
  const report = { ...base, ...reportExtras(session, base, judgments) };
  const withheld = startedRaters(session).filter((r) => !r.complete && r.ended === null);
  return {
    ...report,
    reveal: revealOf(report.reveal, judgments, new Set(withheld.map((r) => r.name))),
    reveal_withheld: withheld.map((r) => r.name),
  };
}
