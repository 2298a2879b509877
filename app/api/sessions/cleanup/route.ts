import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { generationJobs } from '@/lib/generation/jobs';
import { findEmptySessions, trashSession } from '@/lib/sessions/lifecycle';
import { SessionIdSchema } from '@/lib/sessions/schema';

export const dynamic = 'force-dynamic';

const isRunning = (id: string) => generationJobs.isRunning(id);

/** GET /api/sessions/cleanup - the ids of empty sessions (no image, no judgment): `{empty: string[]}`. */
export const GET = withRoute({}, async () => ({ empty: await findEmptySessions(isRunning) }));

const Body = z.object({ ids: z.array(SessionIdSchema).max(10_000) });

/**
 * POST /api/sessions/cleanup - moves the listed sessions to the trash in one step, but only those still empty
 * (a session that got images or judgments meanwhile is kept): `{trashed: string[]}`.
 */
export const POST = withRoute({ body: Body }, async ({ body }) => {
  const empty = new Set(await findEmptySessions(isRunning));
  const trashed: string[] = [];
  for (const id of body.ids) if (empty.has(id)) trashed.push(await trashSession(id, isRunning));
  return { trashed };
});
