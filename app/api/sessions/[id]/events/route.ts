import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { generationJobs, type GenerationEvent } from '@/lib/generation/jobs';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const KEEPALIVE_MS = 15_000;

/**
 * GET /api/sessions/:id/events - Server-Sent Events of the generation job: `data: GenerationEvent` JSON lines
 * (`image`, `step`, `finished`), first `{type: "hello", running}`. 404 for an unknown session.
 */
export const GET = withRoute({ params: SessionParams }, async ({ req, params }) => {
  await loadSession(params.id);
  const encoder = new TextEncoder();
  let cleanup = () => undefined as void;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (ev: GenerationEvent | { type: 'hello'; running: boolean }) =>
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(ev)}\n\n`));
      send({ type: 'hello', running: generationJobs.isRunning(params.id) });
      const unsubscribe = generationJobs.subscribe(params.id, send);
      const keepalive = setInterval(() => controller.enqueue(encoder.encode(': keepalive\n\n')), KEEPALIVE_MS);
      cleanup = () => {
        clearInterval(keepalive);
        unsubscribe();
      };
      req.signal.addEventListener('abort', () => {
        cleanup();
        controller.close();
      });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' },
  });
});
