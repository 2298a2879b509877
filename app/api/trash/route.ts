import { withRoute } from '@/lib/api/handler';
import { listTrash } from '@/lib/sessions/lifecycle';

export const dynamic = 'force-dynamic';

/** GET /api/trash - deleted sessions waiting in `sessions/.trash/`: `{entries: [{name, session_id}]}`. */
export const GET = withRoute({}, async () => ({ entries: await listTrash() }));
