import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { takeCredentials } from '@/lib/comfy/credentials';
import { SessionParams } from '@/lib/api/params';
import { generationJobs } from '@/lib/generation/jobs';
import { SetupSchema } from '@/lib/sessions/schema';
import { trashSession } from '@/lib/sessions/lifecycle';
import { loadSession } from '@/lib/sessions/store';
import { commit } from '@/lib/sessions/writer';
import { SessionAnswerSchema, toClientSession } from '@/lib/sessions/view';

export const dynamic = 'force-dynamic';

/**
 * GET /api/sessions/:id - `{session: ClientSession}`; 404 unknown, 422 damaged, 409 needs_migration for a folder of
 * the original tool (POST …/migrate). A cut-off job shows as interrupted. Writes nothing.
 */
export const GET = withRoute({ params: SessionParams, response: SessionAnswerSchema }, async ({ params }) => ({
  session: toClientSession(generationJobs.asSeen(await loadSession(params.id))),
}));

const SaveBody = z
  .object({
    base_revision: z.number().int().min(0).optional(),
    step_1_setup: SetupSchema.optional(),
    notes: z.string().max(10_000).optional(),
  })
  .refine((b) => !b.step_1_setup || b.base_revision !== undefined, 'saving Setup needs base_revision');

/**
 * PUT /api/sessions/:id - saves Setup and/or notes: body `{base_revision?, step_1_setup?, notes?}`, answer
 * `{session}`. `base_revision` is required with Setup (notes alone may be saved while a job runs); 409 `conflict`
 * when it is stale (nothing written); 409 `locked` when Setup changes after generation has started. Credentials in
 * the server list (`https://user:pass@host/`) are kept in this process's memory only (credentials.ts): the saved
 * Setup and the answer hold the URLs without them.
 */
export const PUT = withRoute({ params: SessionParams, body: SaveBody, response: SessionAnswerSchema }, async ({ params, body }) => {
  const session = await commit(
    params.id,
    () => [
      ...(body.step_1_setup
        ? [{ kind: 'setup_saved' as const, setup: { ...body.step_1_setup, comfyui_url: takeCredentials(body.step_1_setup.comfyui_url) } }]
        : []),
      ...(body.notes !== undefined ? [{ kind: 'notes_saved' as const, notes: body.notes }] : []),
    ],
    { baseRevision: body.base_revision },
  );
  return { session: toClientSession(session) };
});

/** DELETE /api/sessions/:id - moves the session folder to `sessions/.trash/` (restorable): `{trashed: name}`. */
export const DELETE = withRoute({ params: SessionParams }, async ({ params }) => ({
  trashed: await trashSession(params.id, (id) => generationJobs.isRunning(id)),
}));
