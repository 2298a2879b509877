import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { evaluationView, EvaluationViewSchema } from '@/lib/evaluation/blind';
import { RaterChangeSchema } from '@/lib/evaluation/rater-admin';
import { raterAddedEvent } from '@/lib/evaluation/raters';
import { newLinkToken } from '@/lib/evaluation/secret';
import { RaterNameSchema } from '@/lib/sessions/schema';
import { SessionAnswerSchema, toClientSession } from '@/lib/sessions/view';
import { commit } from '@/lib/sessions/writer';

export const dynamic = 'force-dynamic';

const StartBody = z.object({ name: RaterNameSchema });

/**
 * POST /api/sessions/:id/raters - starts (or continues) evaluation as rater `name` on the owner's screens: a new
 * rater gets an order and sides of their own, shuffled with a secret drawn on the server. Answers the rater's
 * EvaluationView. 409 before generation is complete.
 */
export const POST = withRoute({ params: SessionParams, body: StartBody, response: EvaluationViewSchema }, async ({ params, body }) => {
  return commit(params.id, (s) => raterAddedEvent(s, body.name), { project: (s) => evaluationView(s, body.name) });
});

/**
 * PATCH /api/sessions/:id/raters - the owner changes a rater, body `{name, action, drop?}`: `link` invites `name` (a
 * new rater with an order of their own and a rater link `/rate/<session id>-<token>`, in the rater's `link` of the
 * answer) or gives a rater who exists a new link (the old one stops working); `revoke` makes the link stop working;
 * `pause` holds the rater's rating (link and judgments stay; their screen says it is paused) until `resume`;
 * `remove` ends the rater's rating (link revoked, the reveal of their pairs may be shown), their judgments kept, or
 * dropped with `drop: true`. Answers `{session}`. 404 unknown rater, 400 for the default rater, 409 before
 * generation is complete, for a removed rater, or a pause of one who is done.
 */
export const PATCH = withRoute({ params: SessionParams, body: RaterChangeSchema, response: SessionAnswerSchema }, async ({ params, body }) => {
  const { name, action } = body;
  const session = await commit(params.id, (s) => {
    if (action === 'revoke') return { kind: 'link_revoked', rater: name };
    if (action === 'pause' || action === 'resume') return { kind: 'rater_paused', rater: name, paused: action === 'pause' };
    if (action === 'remove') return { kind: 'rater_removed', rater: name, drop: body.drop ?? false };
    return raterAddedEvent(s, name, { invite: true }) ?? { kind: 'link_created', rater: name, token: newLinkToken() };
  });
  return { session: toClientSession(session) };
});
