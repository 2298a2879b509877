import { withRoute } from '@/lib/api/handler';
import { importSessionZip, readZipUpload } from '@/lib/sessions/archive';
import { toClientSession } from '@/lib/sessions/view';

export const dynamic = 'force-dynamic';

/**
 * POST /api/sessions/import - body: a session .zip as exported by `GET /api/sessions/:id/export/zip`, sent raw
 * (Content-Type application/zip or application/octet-stream). Answers 201 `{session: ClientSession}`, a NEW session
 * (new id, revision 0, "Imported from <old id>" in its notes). 400 bad_request for an oversized upload (refused while
 * reading, before it is all buffered), or an archive that is unsafe, damaged, altered or from a newer LoRA Bench;
 * nothing is left behind then.
 */
export const POST = withRoute({}, async ({ req }) => {
  const session = await importSessionZip(await readZipUpload(req));
  return Response.json({ session: toClientSession(session) }, { status: 201 });
});
