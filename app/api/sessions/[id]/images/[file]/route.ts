import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { SessionIdSchema } from '@/lib/sessions/schema';
import { pngResponse, readSessionImage } from '@/lib/sessions/images';

export const dynamic = 'force-dynamic';

const Params = z.object({ id: SessionIdSchema, file: z.string() });

/** GET /api/sessions/:id/images/:file - a generated image (Generation grid, report). 400 bad name, 404 missing. */
export const GET = withRoute({ params: Params }, async ({ params }) =>
  pngResponse(await readSessionImage(params.id, params.file), 'no-store'),
);
