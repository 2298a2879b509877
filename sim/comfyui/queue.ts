// The prompt queue and the history, after ComfyUI execution.py `PromptQueue`: pending items ordered by `number`
// (a negative number from `front: true` jumps ahead), one running item, and an in-memory history of at most 10000
// entries. Every change calls `onChange` (the server broadcasts `status` then, like `queue_updated`).
import type { ApiGraph } from './validate';

/** `[number, prompt_id, prompt, extra_data, outputs_to_execute]` as in `/queue` and `history[id].prompt`. */
export type QueueTuple = [number, string, ApiGraph, Record<string, unknown>, string[]];

/** A queued prompt. */
export interface QueueItem {
  number: number;
  promptId: string;
  prompt: ApiGraph;
  /** `extra_data` of the request plus `client_id` and `create_time` (ms), as the server stores it. */
  extraData: Record<string, unknown>;
  /** Output node ids that passed validation. */
  outputs: string[];
}

/** `{filename, subfolder, type}` of a saved image. */
export interface ImageRef {
  filename: string;
  subfolder: string;
  type: 'output' | 'temp' | 'input';
}

/** A node's UI output (`executed.output`, `history[id].outputs[node]`). */
export interface UiOutput {
  images: ImageRef[];
}

/** `history[id].meta[node]`. */
export interface NodeMeta {
  node_id: string;
  display_node: string;
  parent_node: string | null;
  real_node_id: string;
}

/** One `GET /history` entry. */
export interface HistoryEntry {
  prompt: QueueTuple;
  outputs: Record<string, UiOutput>;
  status: {
    status_str: 'success' | 'error';
    completed: boolean;
    messages: Array<[string, Record<string, unknown>]>;
  };
  meta: Record<string, NodeMeta>;
}

/** ComfyUI's MAXIMUM_HISTORY_SIZE. */
export const MAX_HISTORY = 10000;

/** The tuple form of a queue item (what `/queue` and history show). */
export function queueTuple(item: QueueItem): QueueTuple {
  return [item.number, item.promptId, item.prompt, item.extraData, item.outputs];
}

/** FIFO (by `number`) queue with one running slot and the history map. */
export class PromptQueue {
  private pending: QueueItem[] = [];
  private running: QueueItem | null = null;
  private readonly history = new Map<string, HistoryEntry>();

  /** `onChange` runs after every change of the pending/running set (ComfyUI `queue_updated`). */
  constructor(private readonly onChange: () => void) {}

  /** Adds an item after every item with a number ≤ its own. */
  put(item: QueueItem): void {
    const at = this.pending.findIndex((p) => p.number > item.number);
    if (at < 0) this.pending.push(item);
    else this.pending.splice(at, 0, item);
    this.onChange();
  }

  /** Moves the first pending item to the running slot and returns it; undefined when nothing is pending or one runs. */
  take(): QueueItem | undefined {
    if (this.running) return undefined;
    const item = this.pending.shift();
    if (!item) return undefined;
    this.running = item;
    this.onChange();
    return item;
  }

  /** The running item, if any. */
  current(): QueueItem | null {
    return this.running;
  }

  /** Ends the running item and stores its history entry (ComfyUI `task_done`). */
  finish(item: QueueItem, entry: HistoryEntry): void {
    if (this.running === item) this.running = null;
    if (this.history.size >= MAX_HISTORY) {
      const oldest = this.history.keys().next();
      if (!oldest.done) this.history.delete(oldest.value);
    }
    this.history.delete(item.promptId);
    this.history.set(item.promptId, entry);
    this.onChange();
  }

  /** Pending plus running (`exec_info.queue_remaining`). */
  remaining(): number {
    return this.pending.length + (this.running ? 1 : 0);
  }

  /** `GET /queue` body. */
  snapshot(): { queue_running: QueueTuple[]; queue_pending: QueueTuple[] } {
    return {
      queue_running: this.running ? [queueTuple(this.running)] : [],
      queue_pending: this.pending.map(queueTuple),
    };
  }

  /** Removes pending items by prompt id (running ones stay: use interrupt). Returns how many were removed. */
  delete(ids: readonly string[]): number {
    let removed = 0;
    for (const id of ids) {
      const i = this.pending.findIndex((p) => p.promptId === id);
      if (i >= 0) {
        this.pending.splice(i, 1);
        removed++;
        this.onChange();
      }
    }
    return removed;
  }

  /** Drops every pending item (ComfyUI `wipe_queue`). */
  clear(): void {
    this.pending = [];
    this.onChange();
  }

  /** True when `id` is pending or running. */
  has(id: string): boolean {
    return this.running?.promptId === id || this.pending.some((p) => p.promptId === id);
  }

  /** One history entry, deep-copied. */
  historyItem(id: string): HistoryEntry | undefined {
    const e = this.history.get(id);
    return e ? structuredClone(e) : undefined;
  }

  /**
   * `GET /history` map, oldest first (ComfyUI `get_history`): with `maxItems` and a negative `offset` the last
   * `maxItems` entries, else from `offset` on, at most `maxItems`.
   */
  historyMap(maxItems?: number, offset = -1): Record<string, HistoryEntry> {
    const keys = [...this.history.keys()];
    let start = offset;
    if (start < 0 && maxItems !== undefined) start = keys.length - maxItems;
    const out: Record<string, HistoryEntry> = {};
    let n = 0;
    for (let i = Math.max(0, start); i < keys.length; i++) {
      if (maxItems !== undefined && n >= maxItems) break;
      const k = keys[i] as string;
      out[k] = structuredClone(this.history.get(k) as HistoryEntry);
      n++;
    }
    return out;
  }

  /** Deletes history entries by prompt id. */
  deleteHistory(ids: readonly string[]): void {
    for (const id of ids) this.history.delete(id);
  }

  /** Forgets the whole history. */
  clearHistory(): void {
    this.history.clear();
  }

  /**
   * A server restart: forgets pending items, the running item (its later {@link finish} must not be called) and
   * the whole history. Calls `onChange`.
   */
  reset(): void {
    this.pending = [];
    this.running = null;
    this.history.clear();
    this.onChange();
  }
}
