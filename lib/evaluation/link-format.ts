import { z } from 'zod';
import { LinkTokenSchema, SESSION_ID_PATTERN } from '@/lib/sessions/schema';

// What a rater link looks like, without the lookup (lib/evaluation/links.ts), so the proxy can read it too.

/**
 * A rater link as it appears in `/rate/<link>` and `/api/rate/<link>/…`: `<session id>-<token>`, the session id to
 * find the folder, the 32-hex token (16 random bytes, lib/evaluation/secret.ts) to prove the holder was invited.
 */
export const RaterLinkSchema = z
  .string()
  .max(64)
  .regex(new RegExp(`^(${SESSION_ID_PATTERN.source.slice(1, -1)})-([a-f0-9]{32})$`), 'not a rater link')
  .transform((link) => {
    const cut = link.lastIndexOf('-');
    return { link, sessionId: link.slice(0, cut), token: LinkTokenSchema.parse(link.slice(cut + 1)) };
  });
export type RaterLink = z.infer<typeof RaterLinkSchema>;

/** The cookie a visit to `/rate/<link>` leaves: this browser is a rater's, and the owner's routes refuse it. */
export const RATER_COOKIE = 'lorabench_rater';

/** The cookie of a browser that opened the owner's pages (not a secret: on an app without ACCESS_TOKEN, whoever sits at the machine is the owner). */
export const OWNER_COOKIE = 'lorabench_owner';

/** Route params of `/api/rate/:link/...`. */
export const LinkParams = z.object({ link: RaterLinkSchema });

/** Where a rater link's screen fetches its blind images: `/api/rate/<link>/blind`. */
export const linkBlindBase = (link: string): string => `/api/rate/${link}/blind`;
