import type { LogEntry } from '@/lib/sessions/event-log';
import type { SessionEvent } from '@/lib/sessions/events';
import type { Result, Setup } from '@/lib/sessions/schema';
import type { LogGroup, LogLine } from './schema';
import { describeSetup } from './setup-diff';

// Every event of a session's log in words (the Log view, its exports). Pure: the entries in, the lines out. A line
// may look ahead (a failed image "retried: done"; a lost server's images "moved to …"), so it reads as what happened.

type Of<K extends SessionEvent['kind']> = Extract<SessionEvent, { kind: K }>;
type ImageEvent = Of<'image_updated'>;

interface ImageState {
  label: string;
  status: Result['status'];
  server: string | null;
  prompt_id: string | null;
  started_at: string | null;
  /** Sent to ComfyUI at least once (a later send is a retry). */
  sent: boolean;
}

/** What the words of an event depend on: the log before it (and, for look-ahead, after it). */
interface Context {
  entries: LogEntry[];
  index: number;
  setup: Setup | null;
  images: Map<string, ImageState>;
  /** Judgments standing per rater. */
  judgments: Map<string, number>;
}

const DEFAULT_RATER = 'default';
const secs = (from: string | null, to: string | null | undefined) => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : null);
const fmt = (s: number) => (s < 10 ? `${s.toFixed(1)} s` : s < 120 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const raterName = (name: string | undefined) => (!name || name === DEFAULT_RATER ? 'the owner' : `rater ${name}`);

/** `lora_0_1_2 (prompt 1, seed 8, strength 0.5)`. */
function imageLabel(r: Result): string {
  const strength = r.strength === null ? 'baseline' : `strength ${r.strength}`;
  return `${r.image_id} (prompt ${r.prompt_index + 1}, seed ${r.seed}, ${strength})`;
}

function image(ctx: Context, id: string): ImageState {
  let st = ctx.images.get(id);
  if (!st) ctx.images.set(id, (st = { label: id, status: 'queued', server: null, prompt_id: null, started_at: null, sent: false }));
  return st;
}

/** The next update of image `id` after the current entry that matches `test`, or null. */
function nextUpdate(
  ctx: Context,
  id: string,
  test: (ev: ImageEvent) => boolean,
  from = ctx.index + 1,
): { ev: ImageEvent; i: number } | null {
  for (let i = from; i < ctx.entries.length; i++) {
    const ev = ctx.entries[i]!.event;
    if (ev.kind === 'image_updated' && ev.image_id === id && test(ev)) return { ev, i };
  }
  return null;
}

const isSend = (ev: ImageEvent) => ev.patch.status === 'running' && !!ev.patch.server;
const isEnd = (ev: ImageEvent) => ev.patch.status === 'done' || ev.patch.status === 'failed';

/** After a failure: what became of the image ("retried: done", "retried: failed again", "not retried"). */
function afterFailure(ctx: Context, id: string): string {
  const sent = nextUpdate(ctx, id, isSend);
  if (!sent) return 'not retried';
  const end = nextUpdate(ctx, id, isEnd, sent.i + 1);
  if (!end) return 'retried';
  return end.ev.patch.status === 'done' ? 'retried: done' : 'retried: failed again';
}

interface Words {
  text: string;
  group: LogGroup;
  error?: boolean;
  image_id?: string;
  prompt_id?: string | null;
  server?: string | null;
}

function imageWords(ctx: Context, ev: ImageEvent): Words {
  const st = image(ctx, ev.image_id);
  const p = ev.patch;
  const base = {
    group: 'generation' as const,
    image_id: ev.image_id,
    prompt_id: p.comfy_prompt_id ?? st.prompt_id,
    server: p.server ?? st.server,
  };
  let out: Words;
  if (p.status === 'running' && p.server) {
    out = { ...base, text: `image ${st.label} ${st.sent ? 'sent again' : 'sent'} to ComfyUI` };
    st.sent = true;
    st.started_at = p.started_at ?? null;
  } else if (p.status === 'running') {
    out = { ...base, text: `image ${st.label} re-attached to its prompt in ComfyUI` };
    st.started_at ??= p.started_at ?? null;
  } else if (p.status === 'done') {
    const total = secs(st.started_at, p.completed_at);
    // ComfyUI may begin before POST /prompt has answered (an idle server), i.e. before `started_at` was taken.
    const waited = secs(st.started_at, p.rendering_at);
    const queued = waited === null || total === null ? null : Math.min(total, Math.max(0, waited));
    const parts =
      total === null
        ? ''
        : ` in ${fmt(total)}${queued === null ? '' : ` (${fmt(queued)} in ComfyUI's queue, ${fmt(total - queued)} rendering)`}`;
    out = { ...base, text: `image ${st.label} done${parts}` };
  } else if (p.status === 'failed') {
    out = { ...base, error: true, text: `image ${st.label} failed: ${p.error ?? 'no reason given'}; ${afterFailure(ctx, ev.image_id)}` };
  } else if (p.status === 'queued') {
    const why =
      ev.why === 'server_lost'
        ? `: its server${st.server ? ` ${st.server}` : ''} stopped answering`
        : ev.why === 'prompt_lost'
          ? ': ComfyUI lost its prompt (a restart?), so it is sent again'
          : ev.why === 'cancelled'
            ? ' (cancelled)'
            : '';
    out = { ...base, text: `image ${st.label} back in the queue${why}` };
  } else {
    out = { ...base, text: `image ${st.label} updated: ${Object.keys(p).join(', ') || 'nothing'}` };
  }
  if (p.status) st.status = p.status;
  if (p.server !== undefined) st.server = p.server;
  if (p.comfy_prompt_id !== undefined) st.prompt_id = p.comfy_prompt_id;
  return out;
}

function serverLostWords(ctx: Context, ev: Of<'server_lost'>): Words {
  const reason = ev.reason.replace(`ComfyUI at ${ev.server} `, '');
  const moving = [...ctx.images].filter(([, st]) => st.status === 'running' && st.server === ev.server).map(([id]) => id);
  const to = new Set(moving.map((id) => nextUpdate(ctx, id, isSend)?.ev.patch.server).filter((s): s is string => !!s));
  const where = to.size ? `moved to ${[...to].join(', ')}` : 'went back to the queue';
  const images = moving.length ? `; its ${plural(moving.length, 'image')} ${where}` : '; its images go to the other servers';
  return { group: 'generation', error: true, server: ev.server, text: `server ${ev.server} stopped answering: ${reason}${images}` };
}

function startedWords(ctx: Context, ev: Of<'generation_started'>): Words {
  const servers = (ctx.setup?.comfyui_url ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const on = servers.length > 1 ? ` on ${servers.length} servers` : servers.length ? ` on ${servers[0]}` : '';
  if (ev.results) {
    for (const r of ev.results) ctx.images.set(r.image_id, { ...image(ctx, r.image_id), label: imageLabel(r) });
    return { group: 'generation', text: `generation started: ${plural(ev.results.length, 'image')}${on}` };
  }
  const states = [...ctx.images.values()];
  const failed = states.filter((st) => st.status === 'failed').length;
  const left = states.filter((st) => st.status !== 'done').length;
  for (const st of states) if (st.status === 'failed' || st.status === 'running') st.status = 'queued';
  const retry = failed ? `, ${plural(failed, 'failed image')} to retry` : '';
  return { group: 'generation', text: `generation resumed: ${left} of ${plural(states.length, 'image')} left${retry}${on}` };
}

function finishedWords(ctx: Context, ev: Of<'generation_finished'>): Words {
  const states = [...ctx.images.values()];
  for (const st of states) if (st.status === 'running') st.status = 'queued';
  const done = states.filter((st) => st.status === 'done').length;
  const failed = states.filter((st) => st.status === 'failed').length;
  if (states.length && done === states.length) {
    return { group: 'generation', text: `generation completed: ${plural(done, 'image')}, ${plural(ev.pairs.length, 'blind pair')}` };
  }
  const counts = `${done} of ${plural(states.length, 'image')} done${failed ? `, ${failed} failed` : ''}`;
  if (ev.fatal) return { group: 'generation', error: true, text: `generation stopped: ${ev.fatal} (${counts})` };
  if (ev.mode === 'pause') return { group: 'generation', text: `generation paused (${counts})` };
  if (ev.mode === 'cancel') return { group: 'generation', text: `generation cancelled (${counts})` };
  return { group: 'generation', error: true, text: `generation ended with ${plural(failed, 'failed image')} (${counts})` };
}

function judgmentWords(ctx: Context, ev: Of<'judge'>): Words {
  const name = ev.input.rater ?? DEFAULT_RATER;
  ctx.judgments.set(name, (ctx.judgments.get(name) ?? 0) + 1);
  const choices = Object.entries(ev.input.choices).map(([metric, c]) => `${metric} ${c.replace('_', ' ')}`);
  const rated = Object.entries(ev.input.ratings ?? {}).map(([metric, r]) => `${metric} rated ${r}`);
  const same = ev.input.same_image ? ['marked as the same image'] : [];
  return {
    group: 'evaluation',
    text: `${raterName(name)} judged pair ${ev.input.index + 1}: ${[...choices, ...rated, ...same].join(', ')}`,
  };
}

/** The words of one event (and what it changes in `ctx` for the events after it). */
function words(ctx: Context, ev: SessionEvent): Words {
  switch (ev.kind) {
    case 'setup_saved': {
      const text = describeSetup(ctx.setup, ev.setup);
      ctx.setup = ev.setup;
      return { group: 'setup', text };
    }
    case 'notes_saved':
      return { group: 'lifecycle', text: ev.notes.trim() ? `notes saved: “${ev.notes.trim().slice(0, 120)}”` : 'notes cleared' };
    case 'generation_started':
      return startedWords(ctx, ev);
    case 'image_updated':
      return imageWords(ctx, ev);
    case 'server_lost':
      return serverLostWords(ctx, ev);
    case 'server_back':
      return { group: 'generation', server: ev.server, text: `server ${ev.server} answers again and takes images again` };
    case 'generation_finished':
      return finishedWords(ctx, ev);
    case 'marked_interrupted':
      return {
        group: 'generation',
        error: true,
        text: 'the workbench stopped while generation ran: marked interrupted (Resume renders what is missing)',
      };
    case 'rater_added':
      return {
        group: 'evaluation',
        text: `${raterName(ev.rater.name)} ${ev.rater.invited ? 'invited' : 'started rating'} (${plural(ev.rater.order.length, 'pair')})`,
      };
    case 'link_created':
      return { group: 'evaluation', text: `new rater link for ${ev.rater} (an earlier one stops working)` };
    case 'link_revoked':
      return { group: 'evaluation', text: `rater link of ${ev.rater} revoked` };
    case 'rater_paused':
      return { group: 'evaluation', text: `rater ${ev.rater} ${ev.paused ? 'paused' : 'resumed'}` };
    case 'rater_removed':
      return {
        group: 'evaluation',
        text: `rater ${ev.rater} removed, ${plural(ctx.judgments.get(ev.rater) ?? 0, 'judgment')} ${ev.drop ? 'dropped' : 'kept'}`,
      };
    case 'looked':
      return { group: 'evaluation', text: 'the owner opened labelled images or results: blind rating on the owner’s screens ends here' };
    case 'judge':
      return judgmentWords(ctx, ev);
    case 'undo': {
      ctx.judgments.set(ev.rater, Math.max(0, (ctx.judgments.get(ev.rater) ?? 0) - 1));
      const pair = ev.index === undefined ? 'the last judgment' : `the judgment of pair ${ev.index + 1}`;
      return { group: 'evaluation', text: `${raterName(ev.rater)} undid ${pair}` };
    }
    case 'imported':
      return { group: 'lifecycle', text: `imported from an archive of session ${ev.from} (the lines above are that session’s)` };
  }
}

/**
 * The lines of a session's log, one per entry, in log order (which is time order): each with its words, group,
 * whether it is a failure, and the image, ComfyUI prompt_id and server it concerns. Never throws; an event names
 * nothing secret (no blind pair, token or order secret), and a judgment only left / tie / right, never a role.
 */
export function describeLog(entries: LogEntry[]): LogLine[] {
  const ctx: Context = { entries, index: 0, setup: null, images: new Map(), judgments: new Map() };
  return entries.map((entry, index) => {
    ctx.index = index;
    const w = words(ctx, entry.event);
    return {
      rev: entry.rev,
      at: entry.at,
      event: entry.event.kind,
      group: w.group,
      error: w.error ?? false,
      text: w.text,
      image_id: w.image_id ?? null,
      prompt_id: w.prompt_id ?? null,
      server: w.server ?? null,
    };
  });
}
