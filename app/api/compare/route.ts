// GET /api/compare?ids=… - the reports of 2–8 sessions side by side (lib/report/compare.ts).
import { z } from 'zod';
import { ApiError, describeZodError, isApiError } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/handler';
import { compareReports, MAX_COMPARE_SESSIONS, MIN_COMPARE_SESSIONS, type Comparison } from '@/lib/report/compare';
import { reportForClient } from '@/lib/report/service';
import { SessionIdSchema, type Session } from '@/lib/sessions/schema';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const CompareQuery = z.object({
  ids: z
    .array(SessionIdSchema)
    .min(MIN_COMPARE_SESSIONS, `give between ${MIN_COMPARE_SESSIONS} and ${MAX_COMPARE_SESSIONS} session ids`)
    .max(MAX_COMPARE_SESSIONS, `give between ${MIN_COMPARE_SESSIONS} and ${MAX_COMPARE_SESSIONS} session ids`)
    .refine((ids) => new Set(ids).size === ids.length, 'session ids must not repeat'),
});

/** The ids of `?ids=a,b,…` (a repeated `ids` parameter is joined in; empty items such as a trailing comma are dropped). */
function idsOf(req: Request): string[] {
  return new URL(req.url).searchParams
    .getAll('ids')
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `reportForClient`, with the session id put in front of its message (409 before generation is complete). */
function reportForSession(session: Session) {
  try {
    return reportForClient(session);
  } catch (err) {
    if (isApiError(err)) throw new ApiError(err.code, `session ${session.session_id}: ${err.message}`, err.details);
    throw err;
  }
}

/**
 * GET /api/compare?ids=a,b,… - the Comparison (lib/report/compare.ts) of 2–8 distinct sessions, in the order given:
 * each session's LoRA win rate, 95% Wilson interval and n per metric (plus "All metrics") on the shared strength axis,
 * with labels, recommendations and completeness. 400 for a missing, malformed, repeated or out-of-range list of ids;
 * 404 / 422 for a missing or damaged session; 409 when a session has not finished generation (the first failing id in
 * the given order decides).
 */
export const GET = withRoute({}, async ({ req }): Promise<Comparison> => {
  const parsed = CompareQuery.safeParse({ ids: idsOf(req) });
  if (!parsed.success) throw new ApiError('bad_request', describeZodError(parsed.error));
  const ids = parsed.data.ids;
  const loaded = await Promise.allSettled(ids.map((id) => loadSession(id)));
  const entries = loaded.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    const session = r.value;
    return {
      session_id: session.session_id,
      lora_filename: session.step_1_setup.lora_filename,
      timestamp: session.timestamp,
      report: reportForSession(session),
    };
  });
  return compareReports(entries);
});
