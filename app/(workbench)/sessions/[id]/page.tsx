import { SessionIndex } from '@/app/_components/session-index';

/** `/sessions/:id`: opens the session at its current step. */
export default function SessionPage() {
  return <SessionIndex />;
}
