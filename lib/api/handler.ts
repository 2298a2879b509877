import 'server-only';
import { z } from 'zod';
import { isComfyRejected, isComfyUnreachable } from '@/lib/comfy/errors';
import { ApiError, describeZodError, diskFullError, isApiError, isZodError } from './errors';

const MAX_BODY_BYTES = 1_000_000;

type RouteContext = { params: Promise<Record<string, string | string[]>> };

interface Parsed<P, B> {
  req: Request;
  params: P;
  body: B;
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
 * Turns any thrown value into the `{error: {code, message}}` response, through the one table ERROR_STATUS: the
 * project's errors by their brand (never `instanceof`: see lib/api/errors.ts), zod errors as 400, ComfyUI failures as
 * 502, a write that found no room as 507 `disk_full`; anything else is logged and becomes a generic 500.
 */
export function errorResponse(err: unknown): Response {
  const known = asApiError(err);
  if (known) return Response.json(known.toJSON(), { status: known.status });
  console.error('[api] unexpected error', err);
  return Response.json(new ApiError('internal', 'internal server error').toJSON(), { status: 500 });
}

/** The ApiError a thrown value stands for, or null when it is unexpected (see errorResponse). */
function asApiError(err: unknown): ApiError | null {
  if (isApiError(err)) return err;
  if (isZodError(err)) return new ApiError('bad_request', describeZodError(err));
  if (isComfyUnreachable(err)) return new ApiError('comfy_unreachable', err.message);
  if (isComfyRejected(err)) return new ApiError('comfy_rejected', err.message);
  const full = diskFullError(err);
  if (full) console.warn(`[api] ${full.message}`);
  return full;
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
