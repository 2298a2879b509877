import { withRoute } from '@/lib/api/handler';
import { listSessions, createSession } from '@/lib/sessions/store';
import { toClientSession } from '@/lib/sessions/view';
import { comfyConfig } from '@/lib/comfy/config';

export const dynamic = 'force-dynamic';

/** GET /api/sessions - every session, newest first: `{sessions: SessionSummary[]}` (damaged folders with a reason). */
export const GET = withRoute({}, async () => ({ sessions: await listSessions() }));

/** POST /api/sessions - a new empty session in a fresh timestamped folder: `{session: ClientSession}` (201). */
export const POST = withRoute({}, async () => {
  const session = await createSession(new Date(), { comfyui_url: comfyConfig().url });
  return Response.json({ session: toClientSession(session) }, { status: 201 });
});
