import 'server-only';

/** The ComfyUI this server talks to by default, and whether it is the built-in simulator. */
export interface ComfyConfig {
  url: string;
  simulated: boolean;
}

/**
 * Reads `COMFYUI_URL` (default `http://127.0.0.1:8188`, ComfyUI's own default port) and `COMFYUI_SIMULATED`
 * (`1` when `npm start` launched the built-in simulator).
 */
export function comfyConfig(): ComfyConfig {
  const url = (process.env.COMFYUI_URL || 'http://127.0.0.1:8188').split(',')[0]!.trim().replace(/\/+$/, '');
  return { url, simulated: process.env.COMFYUI_SIMULATED === '1' };
}
