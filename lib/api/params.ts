import { z } from 'zod';
import { SessionIdSchema } from '@/lib/sessions/schema';

/** Route params of `/api/sessions/:id/...`. */
export const SessionParams = z.object({ id: SessionIdSchema });
