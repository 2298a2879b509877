// `progress_state` messages: comfy_execution/progress.py `ProgressRegistry` + `WebUIProgressHandler`. Each node of
// the running prompt has a state (pending, running, finished); on every start, update and finish the handler sends
// the state of all non-pending nodes as one message, to the prompt's client (every socket when it has none: recorded
// `ws.prompt without client_id` / `ws.prompt with client_id=main: other socket hears`).

interface NodeState {
  state: 'running' | 'finished';
  value: number;
  max: number;
}

/** The progress registry of one prompt; each method returns the `progress_state` data to send. */
export class ProgressState {
  private readonly nodes = new Map<string, NodeState>();

  constructor(private readonly promptId: string) {}

  /** `start_progress`: running, 0 of 1. */
  start(nodeId: string): Record<string, unknown> {
    this.nodes.set(nodeId, { state: 'running', value: 0, max: 1 });
    return this.message();
  }

  /** `update_progress`: running, `value` of `max` (one sampler step). */
  update(nodeId: string, value: number, max: number): Record<string, unknown> {
    this.nodes.set(nodeId, { state: 'running', value, max });
    return this.message();
  }

  /** `finish_progress`: finished, value = max. */
  finish(nodeId: string): Record<string, unknown> {
    const max = this.nodes.get(nodeId)?.max ?? 1;
    this.nodes.set(nodeId, { state: 'finished', value: max, max });
    return this.message();
  }

  private message(): Record<string, unknown> {
    const nodes: Record<string, unknown> = {};
    for (const [id, s] of this.nodes) {
      nodes[id] = {
        value: s.value,
        max: s.max,
        state: s.state,
        node_id: id,
        prompt_id: this.promptId,
        display_node_id: id,
        parent_node_id: null,
        real_node_id: id,
      };
    }
    return { prompt_id: this.promptId, nodes };
  }
}
