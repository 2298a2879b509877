import { mutationOptions } from '@tanstack/react-query';
import { api } from './api';
import { cacheSession } from './session-mutations';

/** Start, Resume or Retry failed images of session `id`: the job starts on the server. Answers the session as started. */
export const startGenerationMutation = () =>
  mutationOptions({
    mutationFn: async (id: string) => (await api.startGeneration(id)).session,
    onSuccess: (session, _id, _context, { client }) => cacheSession(client, session),
  });

// Pause and Cancel change the session when the job ends, which the events stream announces (`finished`).

/** Pause: nothing new is submitted; what ComfyUI has queued finishes. */
export const pauseGenerationMutation = () => mutationOptions({ mutationFn: (id: string) => api.pauseGeneration(id) });

/** Cancel: this session's prompts leave ComfyUI's queue and the one rendering is interrupted. */
export const cancelGenerationMutation = () => mutationOptions({ mutationFn: (id: string) => api.cancelGeneration(id) });
