import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { generationJobs, type GenerationEvent, type StreamEvent } from '@/lib/generation/jobs';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const KEEPALIVE_MS = 15_000;

/**
 * GET /api/sessions/:id/events - Server-Sent Events of the generation job: `data: StreamEvent` JSON lines, first
 * `{type: "hello", running, revision}`, then `image`, `step`, `preview`, `eta`, `finished`. 404 for an unknown session.
 */
export const GET = withRoute({ params: SessionParams }, async ({ req, params }) => {
  // Listen before reading the revision: jobs write before they announce, so an event announced before the read is
  // counted in the hello's revision, and one announced after it is held here and sent after the hello.
  const early: GenerationEvent[] = [];
  let deliver = (ev: GenerationEvent): void => void early.push(ev);
  const unsubscribe = generationJobs.subscribe(params.id, (ev) => deliver(ev));
  let revision: number;
  try {
    revision = (await loadSession(params.id)).revision;
  } catch (err) {
    unsubscribe();
    throw err;
  }
  const encoder = new TextEncoder();
  let cleanup = () => undefined as void;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (ev: StreamEvent) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(ev)}\n\n`));
      send({ type: 'hello', running: generationJobs.isRunning(params.id), revision });
      early.forEach(send);
      deliver = send;
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
