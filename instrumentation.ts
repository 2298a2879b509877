/**
 * Next.js runs `register` once when the server starts. The original tool's v1 `sessions/current_session.json` is
 * imported once as a new session; sessions whose generation job was running when the previous server stopped are
 * marked `interrupted`, so the list shows the truth and they offer Resume.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { generationJobs } = await import('./lib/generation/jobs');
  const { importLegacyV1 } = await import('./lib/sessions/migrate');
  try {
    const imported = await importLegacyV1();
    if (imported) console.log(`Imported the original tool's current_session.json as session ${imported.session_id}`);
  } catch (err) {
    console.error("Could not import the original tool's current_session.json:", err);
  }
  try {
    const marked = await generationJobs.markInterrupted();
    if (marked.length) console.log(`Marked interrupted (resumable): ${marked.join(', ')}`);
  } catch (err) {
    console.error('Could not check for interrupted sessions:', err);
  }
}
