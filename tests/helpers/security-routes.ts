import { SessionSchema } from '@/lib/sessions/schema';
import { generatedSession } from './generated-session';
import type { Method } from './route-modules';
import { writeSession } from './security-fs';

export const ID = '20240115_143022';
export const PENDING = '20240116_090000';

/** Every route whose handler reads a JSON body (withRoute with a body schema): `route` is its folder under app/api. */
export const JSON_BODY_ROUTES: Array<{ name: string; method: Method; route: string; params: Record<string, string> }> = [
  { name: 'login', method: 'POST', route: 'login', params: {} },
  { name: 'prompts/generate', method: 'POST', route: 'prompts/generate', params: {} },
  { name: 'prompts/metrics', method: 'POST', route: 'prompts/metrics', params: {} },
  { name: 'sessions/cleanup', method: 'POST', route: 'sessions/cleanup', params: {} },
  { name: 'sessions/[id]', method: 'PUT', route: 'sessions/[id]', params: { id: ID } },
  { name: 'sessions/[id] (pending)', method: 'PUT', route: 'sessions/[id]', params: { id: PENDING } },
  { name: 'sessions/[id]/copy', method: 'POST', route: 'sessions/[id]/copy', params: { id: ID } },
  { name: 'sessions/[id]/copy (pending)', method: 'POST', route: 'sessions/[id]/copy', params: { id: PENDING } },
  { name: 'sessions/[id]/judgments', method: 'POST', route: 'sessions/[id]/judgments', params: { id: ID } },
  { name: 'sessions/[id]/raters', method: 'POST', route: 'sessions/[id]/raters', params: { id: ID } },
];

/** The generated (completed) session plus a pending one whose Setup may still change. */
export async function seedSessions(sessions: string) {
  const done = generatedSession(ID);
  await writeSession(sessions, done);
  const pending = SessionSchema.parse({
    schema_version: 2,
    session_id: PENDING,
    timestamp: 1705392000,
    revision: 0,
    status: 'pending',
    step_1_setup: {},
    step_2_generation: {},
    step_3_evaluation: {},
    step_4_report: {},
  });
  await writeSession(sessions, pending, false);
  return { done, pending };
}
