import 'server-only';
import { z } from 'zod';
import { ApiError, diskFullError } from './errors';

const MAX_BODY_BYTES = 1_000_000;

type RouteContext = { params: Promise<Record<string, string | string[]>> };

interface Parsed<P, B> {
  req: Request;
  params: P;
  body: B;
}

/** The first zod issue as one readable sentence, e.g. `seeds.2: seeds must be whole numbers`. */
export function describeZodError(err: z.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'invalid input';
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/** The body as JSON, at most 1 MB; throws ApiError bad_request on a missing, oversized or malformed body. */
async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new ApiError('bad_request', `request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  if (!text.trim()) throw new ApiError('bad_request', 'request body must be JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('bad_request', 'request body is not valid JSON');
  }
}

/**
 * Turns any thrown value into the `{error: {code, message}}` response: a write that found no room becomes 507
 * `disk_full`; other unexpected errors are logged and become a generic 500.
 */
export function errorResponse(err: unknown): Response {
  if (err instanceof ApiError) return Response.json(err.toJSON(), { status: err.status });
  if (err instanceof z.ZodError) {
    return Response.json(new ApiError('bad_request', describeZodError(err)).toJSON(), { status: 400 });
  }
  const full = diskFullError(err);
  if (full) {
    console.warn(`[api] ${full.message}`);
    return Response.json(full.toJSON(), { status: full.status });
  }
  console.error('[api] unexpected error', err);
  return Response.json(new ApiError('internal', 'internal server error').toJSON(), { status: 500 });
}

/**
 * Wraps a route handler: parses the awaited route params and (when a body schema is given) the JSON body with zod,
 * calls `handler`, and sends its value as JSON (a returned `Response` passes through). Every failure leaves through
 * `errorResponse`.
 */
export function withRoute<P extends z.ZodType = z.ZodType<Record<string, never>>, B extends z.ZodType = z.ZodUndefined>(
  schemas: { params?: P; body?: B },
  handler: (ctx: Parsed<z.infer<P>, z.infer<B>>) => Promise<unknown>,
): (req: Request, ctx: RouteContext) => Promise<Response> {
  return async (req, ctx) => {
    try {
      const rawParams = ctx?.params ? await ctx.params : {};
      const params = schemas.params ? schemas.params.parse(rawParams) : rawParams;
      const body = schemas.body ? schemas.body.parse(await readJson(req)) : undefined;
      const out = await handler({ req, params: params as z.infer<P>, body: body as z.infer<B> });
      return out instanceof Response ? out : Response.json(out);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
