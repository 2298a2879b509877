import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { restoreFromTrash } from '@/lib/sessions/lifecycle';

export const dynamic = 'force-dynamic';

const Params = z.object({ name: z.string().max(80) });

/**
 * POST /api/trash/:name/restore - moves a trashed session back: `{restored: SessionSummary}` (a damaged folder comes
 * back damaged, with its reason). 400 not a trash name, 404 not in the trash, 409 when its id is taken again.
 */
export const POST = withRoute({ params: Params }, async ({ params }) => ({ restored: await restoreFromTrash(params.name) }));
