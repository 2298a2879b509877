import { mutationOptions, type QueryClient } from '@tanstack/react-query';
import type { Choice } from '@/lib/evaluation/blind';
import type { RaterChange } from '@/lib/evaluation/rater-admin';
import { api } from './api';
import { evaluationKey, queryKeys, type EvaluationSource } from './queries';

/** One screen's answers: the verdict per metric, optional 1–5 ratings, the "same image" flag, for pair `index`. */
export interface Judgment {
  source: EvaluationSource;
  index: number;
  choices: Record<string, Choice>;
  ratings: Record<string, number>;
  same_image: boolean;
}

/**
 * What a judgment on the owner's screens changes besides the rater's own view: every report of the session, and the
 * session (judgment counts, raters, the step), fetched at once when `now` and else marked stale for the next screen
 * that shows it. A rater link's browser holds nothing else of the session.
 */
async function afterJudgment(client: QueryClient, src: EvaluationSource, now: boolean): Promise<void> {
  if (src.kind !== 'owner') return;
  void client.invalidateQueries({ queryKey: queryKeys.reports(src.id) });
  await client.invalidateQueries({ queryKey: queryKeys.session(src.id), refetchType: now ? 'active' : 'none' });
}

// Errors of these are shown on the evaluation screen itself (a 409 there means another tab of the rater moved on).

/** Start evaluating (or continue) as a rater on the owner's screens: a new rater gets an order of their own. */
export const startRaterMutation = () =>
  mutationOptions({
    meta: { ownErrors: true },
    mutationFn: ({ id, rater }: { id: string; rater: string }) => api.startRater(id, rater),
    onSuccess: async (view, { id, rater }, _context, { client }) => {
      const src: EvaluationSource = { kind: 'owner', id, rater };
      client.setQueryData(evaluationKey(src), view);
      await afterJudgment(client, src, true);
    },
  });

/** Records one screen's judgment and caches the rater's next view. */
export const judgeMutation = () =>
  mutationOptions({
    meta: { ownErrors: true },
    mutationFn: ({ source: src, index, choices, ratings, same_image }: Judgment) =>
      src.kind === 'owner'
        ? api.judge(src.id, src.rater, index, choices, ratings, same_image)
        : api.rate.judge(src.link, index, choices, ratings, same_image),
    onSuccess: async (view, { source }, _context, { client }) => {
      // The last judgment moves the session to the report: it is fetched before the finished screen offers it.
      await afterJudgment(client, source, view.complete);
      client.setQueryData(evaluationKey(source), view);
    },
  });

/** Takes back the rater's judgment before pair `index` and caches the view of that pair again. */
export const undoMutation = () =>
  mutationOptions({
    meta: { ownErrors: true },
    mutationFn: ({ source: src, index }: { source: EvaluationSource; index: number }) =>
      src.kind === 'owner' ? api.undo(src.id, src.rater, index) : api.rate.undo(src.link, index),
    onSuccess: (view, { source }, _context, { client }) => {
      client.setQueryData(evaluationKey(source), view);
      void afterJudgment(client, source, true);
    },
  });

/** The owner changes a rater (invite or new link, revoke, pause or resume, remove); the answer is the session. */
export const changeRaterMutation = () =>
  mutationOptions({
    mutationFn: ({ id, ...change }: { id: string } & RaterChange) => api.changeRater(id, change),
    onSuccess: ({ session }, { id }, _context, { client }) => {
      client.setQueryData(queryKeys.session(id), session);
      void client.invalidateQueries({ queryKey: queryKeys.reports(id) });
    },
  });

/** The owner opens labelled images or results: blind ratings on the owner's screens end; the answer is the session. */
export const lookedMutation = () =>
  mutationOptions({
    mutationFn: ({ id }: { id: string }) => api.looked(id),
    onSuccess: ({ session }, { id }, _context, { client }) => {
      client.setQueryData(queryKeys.session(id), session);
      void client.invalidateQueries({ queryKey: queryKeys.evaluations(id) });
      void client.invalidateQueries({ queryKey: queryKeys.reports(id) });
    },
  });
