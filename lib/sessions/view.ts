import { z } from 'zod';
import { pendingOwnerRaters, startedRaters } from '@/lib/evaluation/raters';
import { currentStep, DEFAULT_RATER, SessionSchema, type BlindPair, type Session } from './schema';

/**
 * A session as the browser may see it: everything but the blind pairings (`shuffled_results` and the raters' orders,
 * which map tokens to roles) and the raw scores, which are replaced by counts. Before the report nothing here says
 * which side of a pair is the LoRA.
 */
export const ClientSessionSchema = SessionSchema.omit({ step_2_generation: true, step_3_evaluation: true }).extend({
  step: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  step_2_generation: SessionSchema.shape.step_2_generation
    .omit({ shuffled_results: true, order_secret: true })
    .extend({ pairs_total: z.number().int() }),
  step_3_evaluation: SessionSchema.shape.step_3_evaluation.omit({ scores: true, raters: true }).extend({
    judgments: z.number().int(),
    /**
     * Every rater (the default rater once started, then the named ones) without their orders (which map tokens to
     * roles) and secrets; the link path is the owner's to share.
     */
    raters: z.array(
      z.object({
        name: z.string(),
        current_eval_index: z.number().int(),
        evaluation_complete: z.boolean(),
        /** Screens in the rater's order: their pairs plus `repeats`, the repeated control pairs (sides swapped). */
        total: z.number().int(),
        repeats: z.number().int(),
        invited: z.boolean(),
        link: z.string().nullable(),
        looked_at: z.string().nullable(),
        removed_at: z.string().nullable(),
        judgments_dropped: z.boolean(),
        paused_at: z.string().nullable(),
      }),
    ),
    /** Raters still rating blind on the owner's screens: labelled images and results end their blind rating. */
    blind_pending: z.array(z.string()),
    /** Owner blind mode (Setup `owner_rates`) holds the images back: the owner has neither rated nor looked yet. */
    hide_images: z.boolean(),
  }),
});
export type ClientSession = z.infer<typeof ClientSessionSchema>;

/** The path of a rater link: `/rate/<session id>-<token>` (the session id says which folder; the token is the secret). */
export function raterLinkPath(sessionId: string, token: string): string {
  return `/rate/${sessionId}-${token}`;
}

/** The answer of the routes that return one session: `{session}`. */
export const SessionAnswerSchema = z.object({ session: ClientSessionSchema });

const repeatsOf = (order: BlindPair[]): number => order.filter((p) => p.repeat).length;

/** Strips the blind pairing and raw scores from a session (see ClientSession). */
export function toClientSession(s: Session): ClientSession {
  const { shuffled_results, order_secret: _secret, ...gen } = s.step_2_generation;
  const { scores, raters, ...ev } = s.step_3_evaluation;
  return {
    ...s,
    step: currentStep(s),
    step_2_generation: { ...gen, pairs_total: shuffled_results.length },
    step_3_evaluation: {
      ...ev,
      judgments: scores.length,
      raters: [
        ...startedRaters(s)
          .filter((r) => r.name === DEFAULT_RATER)
          .map((r) => ({
            name: r.name,
            current_eval_index: r.index,
            evaluation_complete: r.complete,
            total: r.order.length,
            repeats: repeatsOf(r.order),
            invited: false,
            link: null,
            looked_at: ev.default_looked_at,
            removed_at: null,
            judgments_dropped: false,
            paused_at: null,
          })),
        ...raters.map((r) => ({
          name: r.name,
          current_eval_index: r.current_eval_index,
          evaluation_complete: r.evaluation_complete,
          total: r.order.length,
          repeats: repeatsOf(r.order),
          invited: r.invited,
          link: r.link === null ? null : raterLinkPath(s.session_id, r.link),
          looked_at: r.looked_at,
          removed_at: r.removed_at,
          judgments_dropped: r.judgments_dropped,
          paused_at: r.paused_at,
        })),
      ],
      blind_pending: pendingOwnerRaters(s).map((r) => r.name),
      hide_images: ownerImagesHidden(s),
    },
  };
}

/**
 * Whether owner blind mode holds the images back: Setup says the owner will rate (`owner_rates`), and they have
 * neither looked (`owner_looked_at`) nor finished a rating on their own screens.
 */
export function ownerImagesHidden(s: Session): boolean {
  if (!s.step_1_setup.owner_rates || s.step_3_evaluation.owner_looked_at !== null) return false;
  return !startedRaters(s).some((r) => !r.invited && r.complete);
}
