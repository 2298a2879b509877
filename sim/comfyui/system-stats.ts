// `GET /system_stats` of the simulator (server.py `system_stats`), in the shape ComfyUI v0.8.0 answers (recorded
// `get.GET /system_stats`): `system` with the versions, `devices` with one entry per torch device.
import os from 'node:os';

const GIB = 1024 ** 3;

/**
 * The body of `GET /system_stats`. `device` `cuda`: a simulated 24 GiB GPU, busier while `running`. `cpu`: as ComfyUI
 * started with `--cpu` reports itself: device `{name: "cpu", type: "cpu", index: null}` whose VRAM figures are the
 * system RAM (comfy/model_management.py `get_total_memory` / `get_free_memory` on the CPU device).
 */
export function systemStats(device: 'cuda' | 'cpu', startedAt: number, running: boolean): Record<string, unknown> {
  const ramTotal = os.totalmem();
  const ramFree = os.freemem();
  const cpu = device === 'cpu';
  return {
    system: {
      os: process.platform, // Python's sys.platform: linux, win32, darwin
      ram_total: ramTotal,
      ram_free: ramFree,
      comfyui_version: '0.8.0-sim',
      required_frontend_version: '1.35.9',
      installed_templates_version: null,
      required_templates_version: '0.7.67',
      python_version: '3.12.3 (simulated) [LoRA Bench ComfyUI simulator]',
      pytorch_version: cpu ? '2.8.0+cpu' : '2.8.0+cu128',
      embedded_python: false,
      argv: cpu ? ['main.py', '--simulated', '--cpu'] : ['main.py', '--simulated'],
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
    },
    devices: [
      cpu
        ? {
            name: 'cpu',
            type: 'cpu',
            index: null,
            vram_total: ramTotal,
            vram_free: ramFree,
            torch_vram_total: ramTotal,
            torch_vram_free: ramFree,
          }
        : {
            name: 'Simulated GPU (CPU render)',
            type: 'cuda',
            index: 0,
            vram_total: 24 * GIB,
            vram_free: 24 * GIB - (running ? 6 : 2) * GIB,
            torch_vram_total: 8 * GIB,
            torch_vram_free: (running ? 1 : 6) * GIB,
          },
    ],
  };
}
