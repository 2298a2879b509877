import 'server-only';
import { z } from 'zod';
import { isComfyRejected, isComfyUnreachable } from '@/lib/comfy/errors';
import { ApiError, describeZodError, diskFullError, isApiError, isZodError } from './errors';

const MAX_BODY_BYTES = 1_000_000;

type RouteContext = { params: Promise<Record<string, string | string[]>> };

interface Parsed<P, Q, B> {
  req: Request;
  params: P;
  query: Q;
  body: B;
}

/** Answers are checked against their schema in development and tests, where a drift between code and schema shows. */
const CHECK_RESPONSES = process.env.NODE_ENV !== 'production';

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
 * Wraps a route handler: parses the awaited route params, the query string (`?a=1&b=2` as an object of strings) and
 * the JSON body (at most 1 MB) with their zod schemas when given, calls `handler`, and sends its value as JSON (a
 * returned `Response` passes through) with `status` (default 200). Outside production the JSON answer is checked against `response` (a mismatch is
 * a bug: logged and answered 500). Every failure leaves through `errorResponse`.
 */
export function withRoute<
  P extends z.ZodType = z.ZodType<Record<string, never>>,
  B extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodType<Record<string, string>>,
  R extends z.ZodType = z.ZodUnknown,
>(
  schemas: { params?: P; query?: Q; body?: B; response?: R; status?: number },
  handler: (ctx: Parsed<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<z.infer<R> | Response>,
): (req: Request, ctx: RouteContext) => Promise<Response> {
  return async (req, ctx) => {
    try {
      const rawParams = ctx?.params ? await ctx.params : {};
      const params = schemas.params ? schemas.params.parse(rawParams) : rawParams;
      const rawQuery = Object.fromEntries(new URL(req.url).searchParams);
      const query = schemas.query ? schemas.query.parse(rawQuery) : rawQuery;
      const body = schemas.body ? schemas.body.parse(await readJson(req)) : undefined;
      const out = await handler({ req, params: params as z.infer<P>, query: query as z.infer<Q>, body: body as z.infer<B> });
      if (out instanceof Response) return out;
      if (CHECK_RESPONSES && schemas.response) {
        const checked = schemas.response.safeParse(out);
        if (!checked.success) throw new Error(`the answer does not fit its schema: ${describeZodError(checked.error)}`);
      }
      return Response.json(out, { status: schemas.status ?? 200 });
    } catch (err) {
      return errorResponse(err);
    }
  };
}
