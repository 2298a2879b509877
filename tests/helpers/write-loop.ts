// Child process for the crash test: saves one session's Setup with 100 prompts of 9,000 characters forever (about
// 1 MB per event), every other one followed by a fold of the snapshot, printing after each, until the parent kills it
// with SIGKILL.
// Run with `node --conditions=react-server --import tsx`.
import { commit, foldSession } from '@/lib/sessions/writer';

const id = process.argv[2]!;
for (let i = 1; ; i++) {
  const letter = String.fromCharCode(97 + (i % 26));
  const prompt_pairs = Array.from({ length: 100 }, () => ({ positive: letter.repeat(9_000), negative: '', append_trigger: false }));
  await commit(id, (s) => ({ kind: 'setup_saved', setup: { ...s.step_1_setup, prompt_pairs } }), { project: () => null });
  if (i % 2 === 0) await foldSession(id);
  process.stdout.write(`wrote ${i} ${letter}\n`);
}
