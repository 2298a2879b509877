import { LogView } from '@/app/_components/log-view';

/** `/sessions/:id/log`: every event of the session in words, with filters, summary, timing and exports. */
export default function SessionLogPage() {
  return <LogView />;
}
