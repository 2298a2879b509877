import type { Metadata } from 'next';
import { RaterScreen } from '@/app/_components/rater-screen';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'LoRA Bench · blind rating' };

/** `/rate/<link>`: a rater's own blind evaluation, and nothing else of the app (no sidebar, no session). */
export default async function RatePage({ params }: { params: Promise<{ link: string }> }) {
  const { link } = await params;
  return <RaterScreen link={link} />;
}
