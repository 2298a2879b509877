import { guardRoute } from '@/lib/api/guard';
import { withRoute } from '@/lib/api/handler';
import { importUpload } from '@/lib/sessions/archive';
import { SessionAnswerSchema, toClientSession } from '@/lib/sessions/view';

export const dynamic = 'force-dynamic';

/**
 * POST /api/sessions/import - body: a session .zip as exported by `GET /api/sessions/:id/export/zip`, sent raw
 * (Content-Type application/zip or application/octet-stream). Answers 201 `{session: ClientSession}`, a NEW session
 * (new id, revision 0, "Imported from <old id>" in its notes). The upload streams to disk, never into memory: 413
 * payload_too_large past the limit (at once when Content-Length says so, else as soon as the bytes pass it); 400
 * bad_request for an archive that is unsafe, damaged, altered or from a newer LoRA Bench. Nothing is left behind.
 * The proxy does not see this route (it would buffer the upload), so the route runs the same guard itself: 403 for
 * a foreign Host or a cross-site request, 401 without the access token.
 */
export const POST = withRoute({ response: SessionAnswerSchema, status: 201 }, async ({ req }) => {
  const refused = guardRoute(req);
  if (refused) return refused;
  return { session: toClientSession(await importUpload(req)) };
});
