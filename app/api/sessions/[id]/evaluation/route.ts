import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { evaluationView } from '@/lib/evaluation/blind';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

/** GET /api/sessions/:id/evaluation - the blind EvaluationView (no roles); 409 before generation is complete. */
export const GET = withRoute({ params: SessionParams }, async ({ params }) => evaluationView(await loadSession(params.id)));
