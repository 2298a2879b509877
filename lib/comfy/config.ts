import 'server-only';
import { takeCredentials } from './credentials';

/** The ComfyUI server(s) this app talks to by default, and whether they are the built-in simulator. */
export interface ComfyConfig {
  /** One URL, or several separated by commas (generation spreads over all healthy ones); never with credentials. */
  url: string;
  simulated: boolean;
}

/**
 * The server URLs of a comma-separated list, trimmed, without trailing slashes or credentials, repeats dropped. A
 * URL's basic-auth userinfo is remembered for it (takeCredentials), so `https://u:p@host/comfy` gives
 * `https://host/comfy` and requests to it still carry the credentials.
 */
export function serverList(urls: string): string[] {
  return [...new Set(takeCredentials(urls).split(', ').filter(Boolean))];
}

/**
 * Reads `COMFYUI_URL` (default `http://127.0.0.1:8188`, ComfyUI's own default port; several URLs comma-separated;
 * userinfo in them is taken out and kept in memory only) and `COMFYUI_SIMULATED` (`1` when `npm start` launched the
 * built-in simulator).
 */
export function comfyConfig(): ComfyConfig {
  return {
    url: serverList(process.env.COMFYUI_URL || 'http://127.0.0.1:8188').join(', '),
    simulated: process.env.COMFYUI_SIMULATED === '1',
  };
}
