import { HistoryView } from '@/app/_components/history-view';
import { MainArea } from '@/app/_components/main-area';

/** `/sessions`: every session, with import, compare, clean-up and the trash. */
export default function SessionsPage() {
  return (
    <MainArea>
      <section className="panel">
        <HistoryView />
      </section>
    </MainArea>
  );
}
