import { mutationOptions, type QueryClient } from '@tanstack/react-query';
import type { Choice } from '@/lib/evaluation/blind';
import { api } from './api';
import { queryKeys } from './queries';

/** One screen's answers: the verdict per metric, optional 1–5 ratings, the "same image" flag, for pair `index`. */
export interface Judgment {
  id: string;
  rater: string;
  index: number;
  choices: Record<string, Choice>;
  ratings: Record<string, number>;
  same_image: boolean;
}

/**
 * What a judgment changes besides the rater's own view: every report of the session, and the session (judgment
 * counts, raters, the step), fetched at once when `now` and else marked stale for the next screen that shows it.
 */
async function afterJudgment(client: QueryClient, id: string, now: boolean): Promise<void> {
  void client.invalidateQueries({ queryKey: queryKeys.reports(id) });
  await client.invalidateQueries({ queryKey: queryKeys.session(id), refetchType: now ? 'active' : 'none' });
}

// Errors of these are shown on the evaluation screen itself (a 409 there means another tab of the rater moved on).

/** Start evaluating (or continue) as a rater: a new rater gets an order of their own. Caches their view. */
export const startRaterMutation = () =>
  mutationOptions({
    meta: { ownErrors: true },
    mutationFn: ({ id, rater }: { id: string; rater: string }) => api.startRater(id, rater),
    onSuccess: async (view, { id, rater }, _context, { client }) => {
      client.setQueryData(queryKeys.evaluation(id, rater), view);
      await afterJudgment(client, id, false);
    },
  });

/** Records one screen's judgment and caches the rater's next view. */
export const judgeMutation = () =>
  mutationOptions({
    meta: { ownErrors: true },
    mutationFn: (j: Judgment) => api.judge(j.id, j.rater, j.index, j.choices, j.ratings, j.same_image),
    onSuccess: async (view, { id, rater }, _context, { client }) => {
      // The last judgment moves the session to the report: it is fetched before the finished screen offers it.
      await afterJudgment(client, id, view.complete);
      client.setQueryData(queryKeys.evaluation(id, rater), view);
    },
  });

/** Takes back the rater's judgment before pair `index` and caches the view of that pair again. */
export const undoMutation = () =>
  mutationOptions({
    meta: { ownErrors: true },
    mutationFn: ({ id, rater, index }: { id: string; rater: string; index: number }) => api.undo(id, rater, index),
    onSuccess: (view, { id, rater }, _context, { client }) => {
      client.setQueryData(queryKeys.evaluation(id, rater), view);
      void afterJudgment(client, id, true);
    },
  });
