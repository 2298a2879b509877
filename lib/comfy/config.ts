import 'server-only';

/** The ComfyUI server(s) this app talks to by default, and whether they are the built-in simulator. */
export interface ComfyConfig {
  /** One URL, or several separated by commas (generation spreads over all healthy ones). */
  url: string;
  simulated: boolean;
}

/** The server URLs of a comma-separated list, trimmed, without trailing slashes, repeats dropped. */
export function serverList(urls: string): string[] {
  return [
    ...new Set(
      urls
        .split(',')
        .map((u) => u.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    ),
  ];
}

/**
 * Reads `COMFYUI_URL` (default `http://127.0.0.1:8188`, ComfyUI's own default port; several URLs comma-separated)
 * and `COMFYUI_SIMULATED` (`1` when `npm start` launched the built-in simulator).
 */
export function comfyConfig(): ComfyConfig {
  return {
    url: serverList(process.env.COMFYUI_URL || 'http://127.0.0.1:8188').join(', '),
    simulated: process.env.COMFYUI_SIMULATED === '1',
  };
}
