// The conformance suite: one list of probes, each a request or a WebSocket conversation with real ComfyUI's answer
// next to it. Runs against the simulator in `npm test` (tests/sim/conformance.test.ts) and against any server with
// `COMFYUI_URL=… npm run test:conformance` (cli.ts).
import { HTTP_PROBES } from './probes-http';
import type { Probe } from './probe';
import { WS_PROBES } from './probes-ws';

export const PROBES: readonly Probe[] = [...HTTP_PROBES, ...WS_PROBES];
