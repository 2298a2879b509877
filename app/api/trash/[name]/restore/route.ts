import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { restoreFromTrash } from '@/lib/sessions/lifecycle';
import { toClientSession } from '@/lib/sessions/view';

export const dynamic = 'force-dynamic';

const Params = z.object({ name: z.string().max(80) });

/** POST /api/trash/:name/restore - moves a trashed session back; 409 when its id is taken again. `{session}`. */
export const POST = withRoute({ params: Params }, async ({ params }) => ({
  session: toClientSession(await restoreFromTrash(params.name)),
}));
