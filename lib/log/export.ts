import type { SessionLog } from './schema';
import { formatDuration, summaryText } from './summary';

// A session's log as files: JSON Lines (one described line per event) and plain text (summary, timing, lines).

/** The log as JSON Lines: one LogLine (lib/log/schema.ts) per line, in time order, each ending in a newline. */
export function logJsonl(log: SessionLog): string {
  return log.lines.map((l) => `${JSON.stringify(l)}\n`).join('');
}

const s = (x: number | null) => (x === null ? '–' : formatDuration(x));

/**
 * The log as plain text: the session id and summary line, the timing facts (per server, the slowest images, queue
 * vs rendering), then one line per event: time (ISO 8601), group (`!` marks a failure), words, prompt_id, server.
 */
export function logText(log: SessionLog): string {
  const t = log.timing;
  const head = [
    `LoRA Bench log of session ${log.session_id}`,
    summaryText(log.summary),
    '',
    'Timing',
    ...t.servers.map(
      (v) =>
        `  ${v.server}: ${v.images} images, ${s(v.seconds_per_image)} per image (queue ${s(v.mean_queue_s)}, rendering ${s(v.mean_render_s)})`,
    ),
    `  queue vs rendering over ${t.measured} images: ${formatDuration(t.queue_s)} waiting, ${formatDuration(t.render_s)} rendering`,
    `  slowest: ${t.slowest.map((i) => `${i.image_id} ${formatDuration(i.total_s)}`).join(', ') || '–'}`,
    '',
  ];
  const lines = log.lines.map((l) => {
    const where = [l.prompt_id && `prompt_id=${l.prompt_id}`, l.server && `server=${l.server}`].filter(Boolean).join(' ');
    return [l.at || '(no time)', `${l.error ? '!' : ' '}${l.group.padEnd(10)}`, l.text, where].filter(Boolean).join('  ');
  });
  return `${[...head, ...lines].join('\n')}\n`;
}
