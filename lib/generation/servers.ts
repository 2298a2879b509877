import 'server-only';
import { ComfyRunner } from '@/lib/comfy/runner';
import type { Pace } from './pacing';

/** Per-server throughput, for the ETA. */
export interface ServerStat {
  url: string;
  healthy: boolean;
  done: number;
  /** Mean seconds between finished images on this server (last 5), null before two images. */
  seconds_per_image: number | null;
}

/** One ComfyUI server of a running job: its client, whether it takes images, and what the job measured of it. */
export interface JobServer extends Pace {
  url: string;
  runner: ComfyRunner;
  healthy: boolean;
  /** Why the server was taken out (ComfyUnreachableError's message, which names it), for the job's error message. */
  lastError: string | null;
  /** Completion times (ms) of the last images, for seconds per image. */
  finishes: number[];
  done: number;
  /** Prompt ids sent to it before it was taken out and sent elsewhere since: deleted from its queue when it is back. */
  abandoned: string[];
  /** The timer of the next probe while it is out. */
  probe: NodeJS.Timeout | null;
}

/** The longest wait between two probes of a server that was taken out. */
export const REPROBE_MAX_MS = 30_000;

/** A server of a job as it starts: healthy, nothing measured. `url` is a base URL without credentials. */
export function jobServer(url: string): JobServer {
  return {
    url,
    runner: new ComfyRunner(url),
    healthy: true,
    lastError: null,
    finishes: [],
    done: 0,
    inflight: 0,
    msPerImage: null,
    turnaroundMs: null,
    abandoned: [],
    probe: null,
  };
}

/** Each server's ETA figures (ServerStat). */
export function serverStats(servers: readonly JobServer[]): ServerStat[] {
  return servers.map((s) => {
    const gaps = s.finishes.slice(1).map((t, i) => t - s.finishes[i]!);
    return {
      url: s.url,
      healthy: s.healthy,
      done: s.done,
      seconds_per_image: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length / 1000 : null,
    };
  });
}

/**
 * Probes a server that was taken out after `delay` ms: `GET /system_stats`, its WebSocket, and `POST /queue {delete}`
 * for its abandoned prompts. While it does not answer, probes again, the wait doubling up to REPROBE_MAX_MS, until
 * `over()` says the job ended. Once it answers, marks it healthy and calls `back` (which records it and gives it
 * images); an error of `back` goes to `failed`.
 */
export function reprobe(
  server: JobServer,
  delay: number,
  hooks: { over: () => boolean; back: () => Promise<void>; failed: (err: unknown) => void },
): void {
  server.probe = setTimeout(() => {
    server.probe = null;
    void (async () => {
      try {
        await server.runner.systemStats();
        await server.runner.connect();
        await server.runner.cancel(server.abandoned.splice(0));
      } catch {
        if (!hooks.over()) reprobe(server, Math.min(REPROBE_MAX_MS, delay * 2), hooks);
        return;
      }
      if (hooks.over()) return;
      server.healthy = true;
      server.lastError = null;
      await hooks.back();
    })().catch(hooks.failed);
  }, delay);
  server.probe.unref();
}
