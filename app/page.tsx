import { comfyConfig } from '@/lib/comfy/config';
import { Workbench } from './_components/workbench';

export const dynamic = 'force-dynamic';

/** The single-page workbench: sidebar plus the four tabs of the current session. `AUTOSAVE_MS`: Setup autosave idle time (2000). */
export default function Home() {
  const autosave = Number(process.env.AUTOSAVE_MS);
  return <Workbench comfy={comfyConfig()} autosaveMs={Number.isFinite(autosave) && autosave > 0 ? autosave : 2000} />;
}
