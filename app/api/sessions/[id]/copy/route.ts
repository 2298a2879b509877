import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { copySession } from '@/lib/sessions/lifecycle';
import { SetupSchema } from '@/lib/sessions/schema';
import { SessionAnswerSchema, toClientSession } from '@/lib/sessions/view';

export const dynamic = 'force-dynamic';

const Body = z.object({ step_1_setup: SetupSchema.optional() });

/**
 * POST /api/sessions/:id/copy - "Save as new": the session's whole state (with unsaved Setup edits from the body,
 * while Setup may still change) under a new id, images included. 201 `{session}`.
 */
export const POST = withRoute({ params: SessionParams, body: Body, response: SessionAnswerSchema, status: 201 }, async ({ params, body }) => ({
  session: toClientSession(await copySession(params.id, body.step_1_setup)),
}));
