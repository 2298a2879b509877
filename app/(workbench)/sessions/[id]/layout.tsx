import type { ReactNode } from 'react';
import { SessionShell } from '@/app/_components/session-shell';

/** `/sessions/:id/…`: the session's tabs around the step page; a new id remounts everything of the session before. */
export default async function SessionLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <SessionShell key={id} id={id}>
      {children}
    </SessionShell>
  );
}
