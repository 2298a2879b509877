import { withRoute } from '@/lib/api/handler';
import { RATER_COOKIE } from '@/lib/evaluation/links';

export const dynamic = 'force-dynamic';

/**
 * POST /api/rate/leave - forgets the rater link this browser opened (clears the `lorabench_rater` cookie), so the
 * owner's pages open here again: `{left: true}`.
 */
export const POST = withRoute({}, async () =>
  Response.json({ left: true }, { headers: { 'set-cookie': `${RATER_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax` } }),
);
