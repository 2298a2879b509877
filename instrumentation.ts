/**
 * Next.js runs `register` once when the server starts. Sessions whose generation job was running when the previous
 * server stopped are marked `interrupted` here, so the list shows the truth and they offer Resume.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { generationJobs } = await import('./lib/generation/jobs');
  try {
    const marked = await generationJobs.markInterrupted();
    if (marked.length) console.log(`Marked interrupted (resumable): ${marked.join(', ')}`);
  } catch (err) {
    console.error('Could not check for interrupted sessions:', err);
  }
}
