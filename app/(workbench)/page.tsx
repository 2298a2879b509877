import { Welcome } from '@/app/_components/welcome';

/** `/`: no session open; New is at hand. */
export default function Home() {
  return <Welcome />;
}
