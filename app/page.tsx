import { comfyConfig } from '@/lib/comfy/config';
import { Workbench } from './_components/workbench';

export const dynamic = 'force-dynamic';

/** The single-page workbench: sidebar plus the four tabs of the current session. */
export default function Home() {
  return <Workbench comfy={comfyConfig()} />;
}
