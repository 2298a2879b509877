import { withRoute } from '@/lib/api/handler';
import { listSessions, createSession } from '@/lib/sessions/store';
import { SessionAnswerSchema, toClientSession } from '@/lib/sessions/view';
import { z } from 'zod';
import { SessionSummarySchema } from '@/lib/sessions/schema';
import { comfyConfig } from '@/lib/comfy/config';

export const dynamic = 'force-dynamic';

/** GET /api/sessions - every session, newest first: `{sessions: SessionSummary[]}` (damaged folders with a reason). */
export const GET = withRoute({ response: z.object({ sessions: z.array(SessionSummarySchema) }) }, async () => ({ sessions: await listSessions() }));

/** POST /api/sessions - a new empty session in a fresh timestamped folder: `{session: ClientSession}` (201). */
export const POST = withRoute({ response: SessionAnswerSchema, status: 201 }, async () => ({
  session: toClientSession(await createSession(new Date(), { comfyui_url: comfyConfig().url })),
}));
