import Link from 'next/link';
import { compareIds, SESSIONS_PATH } from '@/lib/client/routes';
import { CompareView } from '@/app/_components/compare-view';
import { MainArea } from '@/app/_components/main-area';

/** `/compare?ids=a,b,…`: the reports of those sessions side by side. */
export default async function ComparePage({ searchParams }: { searchParams: Promise<{ ids?: string | string[] }> }) {
  const ids = compareIds((await searchParams).ids);
  return (
    <MainArea>
      <section className="panel">
        <div className="plan">
          <h2 style={{ margin: 0 }}>Compare sessions</h2>
          <Link className="button-like" href={SESSIONS_PATH}>
            Back to all sessions
          </Link>
        </div>
        <CompareView key={ids.join(',')} sessionIds={ids} />
      </section>
    </MainArea>
  );
}
