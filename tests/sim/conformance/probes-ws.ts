// WebSocket probes of the conformance suite: who hears what, in which order. Expected sequences are the recorded ones
// of /work/shared/comfyui-v0.8.0/transcript.json in its compact notation, without `status` messages (queue changes
// of other users interleave with them) and binary preview frames (they depend on `--preview-method`).
import { randomUUID } from 'node:crypto';
import type { Probe } from './probe';
import { Socket, type Server } from './server';

/** Runs `steps` (prompts on one socket with its own client id) and returns the compact messages of the last one. */
async function lastOf(s: Server, graphs: Array<Awaited<ReturnType<Server['graph']>>>): Promise<string[]> {
  const clientId = randomUUID();
  const ws = await Socket.open(s.url, clientId);
  try {
    let id = '';
    for (const g of graphs) id = await s.run(ws, clientId, g);
    return ws.about(id);
  } finally {
    ws.close();
  }
}

/** `progress_state` with the given nodes (`id:state`), as the compact notation writes it. */
const ps = (...nodes: string[]) => `progress_state(${nodes.join(',')})`;
const F = (...ids: string[]) => ids.map((id) => `${id}:finished`);

export const WS_PROBES: Probe[] = [
  {
    name: 'WS /ws?clientId=…: the first message is status with the sid',
    source: 'recorded `ws.connect(clientId)`; server.py `websocket_handler`',
    expected: { type: 'status', queue_remaining: 0, sidIsClientId: true },
    observe: async (s) => {
      const clientId = randomUUID();
      const ws = await Socket.open(s.url, clientId);
      ws.close();
      const first = ws.messages[0]!;
      return {
        type: first.type,
        queue_remaining: first.data.status?.exec_info?.queue_remaining,
        sidIsClientId: first.data.sid === clientId,
      };
    },
  },
  {
    name: 'WS feature_flags as the first client message: the server answers with its flags',
    source: 'recorded `ws.connect + client feature_flags`; server.py `websocket_handler` (first_message and type feature_flags)',
    expected: {
      types: ['status', 'feature_flags'],
      keys: ['extension', 'max_upload_size', 'supports_preview_metadata'],
      supports_preview_metadata: true,
    },
    observe: async (s) => {
      const ws = await Socket.open(s.url, randomUUID(), { type: 'feature_flags', data: { supports_preview_metadata: true } });
      await ws.until(() => ws.messages.some((m) => m.type === 'feature_flags'), 5_000).catch(() => undefined);
      ws.close();
      const flags = ws.messages.find((m) => m.type === 'feature_flags')?.data ?? {};
      return {
        types: ws.messages.map((m) => m.type),
        keys: Object.keys(flags).sort(),
        supports_preview_metadata: flags.supports_preview_metadata,
      };
    },
  },
  {
    name: 'a new prompt: execution order, progress_state, executed, execution_success, executing null',
    source:
      'recorded `gen.a standard`; execution.py `PromptExecutor.execute`, comfy_execution/graph.py `ExecutionList`, comfy_execution/progress.py',
    expected: [
      'execution_start',
      'execution_cached[]',
      ps('4:running'),
      'executing(4)',
      ps('4:finished'),
      ps('4:finished', '5:running'),
      'executing(5)',
      ps(...F('4', '5')),
      ps(...F('4', '5'), '10:running'),
      'executing(10)',
      ps(...F('4', '5', '10')),
      ps(...F('4', '5'), '7:running', '10:finished'),
      'executing(7)',
      ps(...F('4', '5', '7', '10')),
      ps(...F('4', '5'), '6:running', ...F('7', '10')),
      'executing(6)',
      ps(...F('4', '5', '6', '7', '10')),
      ps('3:running', ...F('4', '5', '6', '7', '10')),
      'executing(3)',
      ps('3:running', ...F('4', '5', '6', '7', '10')),
      'progress(1/2@3)',
      ps('3:running', ...F('4', '5', '6', '7', '10')),
      'progress(2/2@3)',
      ps(...F('3', '4', '5', '6', '7', '10')),
      ps(...F('3', '4', '5', '6', '7'), '8:running', '10:finished'),
      'executing(8)',
      ps(...F('3', '4', '5', '6', '7', '8', '10')),
      ps(...F('3', '4', '5', '6', '7', '8'), '9:running', '10:finished'),
      'executing(9)',
      'executed(9)',
      ps(...F('3', '4', '5', '6', '7', '8', '9', '10')),
      'execution_success',
      'executing(null)',
    ],
    // ComfyUI's default (classic) cache keeps only the nodes of the latest prompt: a prompt without the checkpoint
    // first (EmptyImage → SaveImage) leaves nothing of the standard graph cached.
    observe: async (s) => lastOf(s, [s.flushGraph(), await s.graph({ seed: s.freshSeed() })]),
  },
  {
    name: 'the same prompt again: fully cached, and still executed(9) with its images',
    source: 'recorded `gen.b same again (cached)`; execution.py `execute` (a cached output node sends executed with its ui)',
    expected: [
      'execution_start',
      'execution_cached[3,4,5,6,7,8,9,10]',
      'executed(9)',
      ps('9:finished'),
      'execution_success',
      'executing(null)',
    ],
    observe: async (s) => {
      const g = await s.graph({ seed: s.freshSeed() });
      return lastOf(s, [g, g]);
    },
  },
  {
    name: 'only the LoRA strength changed: loader and latent cached, the rest runs',
    source: 'recorded `gen.c strength 0.5`; execution.py `execute`, comfy_execution/caching.py (input signatures)',
    expected: [
      'execution_start',
      'execution_cached[4,5]',
      ps('10:running'),
      'executing(10)',
      ps('10:finished'),
      ps('7:running', '10:finished'),
      'executing(7)',
      ps(...F('7', '10')),
      ps('6:running', ...F('7', '10')),
      'executing(6)',
      ps(...F('6', '7', '10')),
      ps('3:running', ...F('6', '7', '10')),
      'executing(3)',
      ps('3:running', ...F('6', '7', '10')),
      'progress(1/2@3)',
      ps('3:running', ...F('6', '7', '10')),
      'progress(2/2@3)',
      ps(...F('3', '6', '7', '10')),
      ps(...F('3', '6', '7'), '8:running', '10:finished'),
      'executing(8)',
      ps(...F('3', '6', '7', '8', '10')),
      ps(...F('3', '6', '7', '8'), '9:running', '10:finished'),
      'executing(9)',
      'executed(9)',
      ps(...F('3', '6', '7', '8', '9', '10')),
      'execution_success',
      'executing(null)',
    ],
    observe: async (s) => {
      const seed = s.freshSeed();
      return lastOf(s, [await s.graph({ seed }), await s.graph({ seed, strength: 0.5 })]);
    },
  },
  {
    name: 'a prompt without client_id: its client hears only progress_state and progress',
    source: 'recorded `ws.prompt without client_id: main socket hears`; execution.py (no client_id: no execution_* / executing / executed)',
    expected: [
      ps('3:running'),
      ps('3:running'),
      'progress(1/2@3)',
      ps('3:running'),
      'progress(2/2@3)',
      ps('3:finished'),
      ps('3:finished', '8:running'),
      ps('3:finished', '8:finished'),
      ps('3:finished', '8:finished', '9:running'),
      ps('3:finished', '8:finished', '9:finished'),
    ],
    observe: async (s) => {
      const clientId = randomUUID();
      const ws = await Socket.open(s.url, clientId);
      try {
        const seed = s.freshSeed();
        await s.run(ws, clientId, await s.graph({ seed }));
        const res = await s.http('POST', '/prompt', { prompt: await s.graph({ seed: seed + 1 }) });
        const id = (res.json as { prompt_id: string }).prompt_id;
        await s.history(id);
        await ws.until(() => ws.about(id).includes(ps('3:finished', '8:finished', '9:finished')), 5_000).catch(() => undefined);
        return ws.about(id);
      } finally {
        ws.close();
      }
    },
  },
  {
    name: "a prompt with client_id: another client's socket hears none of its messages",
    source: 'recorded `ws.prompt with client_id=main: other socket hears`; server.py `send_sync` to the client_id',
    expected: [],
    observe: async (s) => {
      const other = await Socket.open(s.url, randomUUID());
      try {
        const id = await (async () => {
          const clientId = randomUUID();
          const ws = await Socket.open(s.url, clientId);
          const pid = await s.run(ws, clientId, await s.graph({ seed: s.freshSeed() }));
          ws.close();
          return pid;
        })();
        return other.about(id);
      } finally {
        other.close();
      }
    },
  },
  {
    name: 'a client-chosen prompt_id that is not a UUID: accepted, echoed, and the history is keyed by it',
    source: 'recorded `pid.client prompt_id "my-custom-id"`; server.py `post_prompt` (v0.8.0; newer servers answer 400 invalid_prompt_id)',
    expected: { status: 200, prompt_id: 'lorabench-conformance-id', history: true },
    observe: async (s) => {
      const clientId = randomUUID();
      const ws = await Socket.open(s.url, clientId);
      try {
        const chosen = 'lorabench-conformance-id';
        await s.http('POST', '/history', { delete: [chosen] });
        const res = await s.http('POST', '/prompt', {
          prompt: await s.graph({ seed: s.freshSeed() }),
          client_id: clientId,
          prompt_id: chosen,
        });
        const id = (res.json as { prompt_id?: string } | null)?.prompt_id;
        if (res.status === 200 && id) await ws.ended(id);
        const history = id
          ? Boolean((await s.http('GET', `/history/${id}`)).json) && id in ((await s.http('GET', `/history/${id}`)).json as object)
          : false;
        return { status: res.status, prompt_id: id, history };
      } finally {
        ws.close();
      }
    },
  },
  {
    name: 'POST /interrupt {prompt_id} of the running prompt: execution_interrupted, then executing null; history says error',
    source:
      'recorded `int.POST /interrupt {prompt_id: A}`, `int.GET /history/A (interrupted)`; server.py `post_interrupt`, execution.py `handle_execution_error`',
    expected: {
      interrupt: { status: 200, body: '' },
      last: ['execution_interrupted', 'executing(null)'],
      history: { status_str: 'error', completed: false, last: 'execution_interrupted' },
    },
    observe: async (s) => {
      const clientId = randomUUID();
      const ws = await Socket.open(s.url, clientId);
      try {
        const res = await s.http('POST', '/prompt', { prompt: await s.graph({ seed: s.freshSeed(), steps: 200 }), client_id: clientId });
        const id = (res.json as { prompt_id: string }).prompt_id;
        await ws.until(() => ws.about(id).some((m) => m.startsWith('progress(')));
        const a = await s.http('POST', '/interrupt', { prompt_id: id });
        await ws.ended(id);
        const h = await s.history(id);
        const messages = (h.status?.messages ?? []) as Array<[string]>;
        return {
          interrupt: { status: a.status, body: a.text },
          last: ws
            .about(id)
            .filter((m) => !m.startsWith('progress'))
            .slice(-2),
          history: { status_str: h.status?.status_str, completed: h.status?.completed, last: messages.at(-1)?.[0] },
        };
      } finally {
        ws.close();
      }
    },
  },
];
