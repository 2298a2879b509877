import type { LogEntry } from '@/lib/sessions/event-log';
import type { ImageTiming, LogTiming } from './schema';

// Timing facts a trainer asks about, from the image events of a session's log: seconds per image on each server,
// the slowest images, and time waiting in ComfyUI's queue against time rendering. Pure.

/** How many of the slowest images are listed. */
export const SLOWEST_SHOWN = 5;

const secs = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * The timing of every finished image (from its last send, or re-attachment, to its image saved; queue and render
 * where ComfyUI's `execution_start` was recorded as `rendering_at`), per server (images, wall seconds per image from
 * its first send to its last image, mean queue and render seconds), the SLOWEST_SHOWN slowest images, and the
 * queue and render seconds summed over the measured images. Never throws; images without times are left out.
 */
export function logTiming(entries: LogEntry[]): LogTiming {
  const open = new Map<string, { server: string | null; sent: string | null }>();
  const firstSend = new Map<string, string>();
  const lastDone = new Map<string, string>();
  const images: ImageTiming[] = [];
  for (const { event: ev } of entries) {
    if (ev.kind !== 'image_updated') continue;
    const p = ev.patch;
    const st = open.get(ev.image_id) ?? { server: null, sent: null };
    if (p.status === 'running') {
      // A send names its server; a re-attachment keeps the earlier one (and its send time).
      const server = p.server ?? st.server;
      const sent = p.server ? (p.started_at ?? null) : (st.sent ?? p.started_at ?? null);
      open.set(ev.image_id, { server, sent });
      if (server && sent && !firstSend.has(server)) firstSend.set(server, sent);
    } else if (p.status === 'done' && st.sent && p.completed_at) {
      const total = secs(st.sent, p.completed_at);
      // ComfyUI may begin before POST /prompt has answered (an idle server), i.e. before the send time was taken.
      const queue = p.rendering_at ? Math.min(total, Math.max(0, secs(st.sent, p.rendering_at))) : null;
      images.push({
        image_id: ev.image_id,
        server: st.server,
        total_s: total,
        queue_s: queue,
        render_s: queue === null ? null : total - queue,
      });
      if (st.server) lastDone.set(st.server, p.completed_at);
      open.delete(ev.image_id);
    }
  }
  const servers = [...firstSend.keys()].map((server) => {
    const mine = images.filter((i) => i.server === server);
    const end = lastDone.get(server);
    const measured = mine.filter((i) => i.queue_s !== null);
    return {
      server,
      images: mine.length,
      seconds_per_image: end && mine.length ? secs(firstSend.get(server)!, end) / mine.length : null,
      mean_queue_s: mean(measured.map((i) => i.queue_s!)),
      mean_render_s: mean(measured.map((i) => i.render_s!)),
    };
  });
  const measured = images.filter((i) => i.queue_s !== null);
  return {
    servers,
    slowest: [...images].sort((a, b) => b.total_s - a.total_s).slice(0, SLOWEST_SHOWN),
    queue_s: measured.reduce((sum, i) => sum + i.queue_s!, 0),
    render_s: measured.reduce((sum, i) => sum + i.render_s!, 0),
    measured: measured.length,
  };
}
