import { redirect } from 'next/navigation';
import { sessionPath, stepOfSlug } from '@/lib/client/routes';
import { SessionStep } from '@/app/_components/session-step';

/** `/sessions/:id/setup|generation|evaluation|report`; any other step goes to `/sessions/:id` (the current step). */
export default async function SessionStepPage({ params }: { params: Promise<{ id: string; step: string }> }) {
  const { id, step } = await params;
  const known = stepOfSlug(step);
  if (known === null) redirect(sessionPath(id));
  return <SessionStep step={known} />;
}
