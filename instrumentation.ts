/**
 * Next.js runs `register` once when the server starts: lib/sessions/startup.ts takes the data directory for this
 * process, removes what a killed process left, imports the original tool's v1 session once, and marks sessions whose
 * job was cut off `interrupted`, so the list shows the truth and they offer Resume.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startUp } = await import('./lib/sessions/startup');
  await startUp();
}
