import { ApiError } from '@/lib/api/errors';
import { errorResponse } from '@/lib/api/handler';

export const dynamic = 'force-dynamic';

/**
 * Any path under /api that no route serves (every method): 404 `{error: {code: "not_found", message}}`, so an API
 * client always gets the error shape, never Next's HTML page.
 */
function notFound(req: Request): Response {
  return errorResponse(new ApiError('not_found', `no API route ${req.method} ${new URL(req.url).pathname.slice(0, 200)}`));
}

export { notFound as DELETE, notFound as GET, notFound as PATCH, notFound as POST, notFound as PUT };
