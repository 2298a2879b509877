// `COMFYUI_URL=http://host:8188 npm run test:conformance`: checks a ComfyUI server against real ComfyUI v0.8.0's
// recorded answers, one line per probe and a summary. Exit code 0 when every probe passes, 1 otherwise, 2 on bad usage.
// The generation probes render a few 64×64, 2-step images with the server's first checkpoint and LoRA.
import { report, runProbes } from './run';

const url = process.env.COMFYUI_URL?.split(',')[0]?.trim();
if (!url) {
  console.error('usage: COMFYUI_URL=http://127.0.0.1:8188 npm run test:conformance');
  process.exit(2);
}
console.log(`Checking ComfyUI at ${url} against the recorded answers of ComfyUI v0.8.0`);
const results = await runProbes(url);
console.log(report(results));
process.exit(results.every((r) => r.outcome === 'pass') ? 0 : 1);
