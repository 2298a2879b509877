// The order in which ComfyUI runs the nodes of a prompt: comfy_execution/graph.py `ExecutionList`. `add_node` walks
// each output node's inputs with a stack (last input first), leaving out nodes whose outputs are cached; a node is
// ready once every node it links from has run; among the ready nodes `ux_friendly_pick_node` prefers an output node,
// then a node feeding an output node, then one two links away, else the first in insertion order. For the default
// SD1.5 graph this gives loader, latent, LoRA, text encoders, sampler, decode, save (recorded from v0.8.0, `gen.a`).
import { isLink, type ApiGraph } from './validate';

/**
 * The nodes to run for `outputs` (output node ids, in the order ComfyUI's `execute_outputs` lists them), in ComfyUI's
 * execution order. A cached output node is still listed (ComfyUI "executes" it from its cache); other cached nodes
 * are not. `isOutput` says whether a node's class is an output node (OUTPUT_NODE). Pure.
 */
export function executionOrder(
  prompt: ApiGraph,
  outputs: readonly string[],
  isCached: (id: string) => boolean,
  isOutput: (id: string) => boolean,
): string[] {
  const pending: string[] = [];
  const blockCount = new Map<string, number>();
  const blocking = new Map<string, Set<string>>();
  for (const root of outputs) {
    const links: Array<[string, string]> = [];
    const stack = [root];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (blockCount.has(id) || !prompt[id]) continue;
      pending.push(id);
      blockCount.set(id, 0);
      blocking.set(id, new Set());
      for (const value of Object.values(prompt[id].inputs)) {
        if (!isLink(value)) continue;
        if (!isCached(value[0])) stack.push(value[0]);
        links.push([value[0], id]);
      }
    }
    // add_strong_link: one block per distinct (from, to) pair whose `from` is not cached.
    for (const [from, to] of links) {
      const blocked = blocking.get(from);
      if (isCached(from) || !blocked || blocked.has(to)) continue;
      blocked.add(to);
      blockCount.set(to, (blockCount.get(to) ?? 0) + 1);
    }
  }
  const order: string[] = [];
  while (pending.length > 0) {
    const ready = pending.filter((id) => blockCount.get(id) === 0);
    const pick = uxFriendlyPick(ready, blocking, isOutput);
    if (pick === undefined) break; // a cycle: validation refuses those, so this is only a guard
    order.push(pick);
    pending.splice(pending.indexOf(pick), 1);
    for (const to of blocking.get(pick) ?? []) blockCount.set(to, (blockCount.get(to) ?? 1) - 1);
  }
  return order;
}

/** graph.py `ux_friendly_pick_node`: an output node, else one that feeds an output node, else two links away. */
function uxFriendlyPick(ready: string[], blocking: Map<string, Set<string>>, isOutput: (id: string) => boolean): string | undefined {
  const feeds = (id: string) => [...(blocking.get(id) ?? [])];
  return (
    ready.find(isOutput) ??
    ready.find((id) => feeds(id).some(isOutput)) ??
    ready.find((id) => feeds(id).some((next) => feeds(next).some(isOutput))) ??
    ready[0]
  );
}
