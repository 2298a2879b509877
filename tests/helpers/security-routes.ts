import * as loginRoute from '@/app/api/login/route';
import * as generateRoute from '@/app/api/prompts/generate/route';
import * as metricsRoute from '@/app/api/prompts/metrics/route';
import * as copyRoute from '@/app/api/sessions/[id]/copy/route';
import * as judgmentsRoute from '@/app/api/sessions/[id]/judgments/route';
import * as ratersRoute from '@/app/api/sessions/[id]/raters/route';
import * as sessionRoute from '@/app/api/sessions/[id]/route';
import * as cleanupRoute from '@/app/api/sessions/cleanup/route';
import { SessionSchema } from '@/lib/sessions/schema';
import { generatedSession } from './generated-session';
import { ctx, writeSession } from './security-fs';

export const ID = '20240115_143022';
export const PENDING = '20240116_090000';

export type Handler = (req: Request, c: ReturnType<typeof ctx>) => Promise<Response>;

/** Every route whose handler reads a JSON body (withRoute with a body schema). */
export const JSON_BODY_ROUTES: Array<{ name: string; method: string; handler: Handler; params: Record<string, string> }> = [
  { name: 'login', method: 'POST', handler: loginRoute.POST, params: {} },
  { name: 'prompts/generate', method: 'POST', handler: generateRoute.POST, params: {} },
  { name: 'prompts/metrics', method: 'POST', handler: metricsRoute.POST, params: {} },
  { name: 'sessions/cleanup', method: 'POST', handler: cleanupRoute.POST, params: {} },
  { name: 'sessions/[id]', method: 'PUT', handler: sessionRoute.PUT, params: { id: ID } },
  { name: 'sessions/[id] (pending)', method: 'PUT', handler: sessionRoute.PUT, params: { id: PENDING } },
  { name: 'sessions/[id]/copy', method: 'POST', handler: copyRoute.POST, params: { id: ID } },
  { name: 'sessions/[id]/copy (pending)', method: 'POST', handler: copyRoute.POST, params: { id: PENDING } },
  { name: 'sessions/[id]/judgments', method: 'POST', handler: judgmentsRoute.POST, params: { id: ID } },
  { name: 'sessions/[id]/raters', method: 'POST', handler: ratersRoute.POST, params: { id: ID } },
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

