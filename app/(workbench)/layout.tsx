import type { ReactNode } from 'react';
import { comfyConfig } from '@/lib/comfy/config';
import { Workbench } from '@/app/_components/workbench';

// The environment is read per request, not baked in at build time.
export const dynamic = 'force-dynamic';

/** Every workbench page: sidebar and saving around the page. `AUTOSAVE_MS`: Setup autosave idle time (2000). */
export default function WorkbenchLayout({ children }: { children: ReactNode }) {
  const autosave = Number(process.env.AUTOSAVE_MS);
  return (
    <Workbench comfy={comfyConfig()} autosaveMs={Number.isFinite(autosave) && autosave > 0 ? autosave : 2000}>
      {children}
    </Workbench>
  );
}
