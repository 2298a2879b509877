// Child process for the crash test: rewrites one session's notes with large payloads forever, printing after each
// completed write, until the parent kills it with SIGKILL. Run with `node --conditions=react-server --import tsx`.
import { updateSession } from '@/lib/sessions/store';

const id = process.argv[2]!;
for (let i = 1; ; i++) {
  const letter = String.fromCharCode(97 + (i % 26));
  await updateSession(id, (d) => {
    d.notes = letter.repeat(8_000_000);
  });
  process.stdout.write(`wrote ${i} ${letter}\n`);
}
