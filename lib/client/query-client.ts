import { MutationCache, QueryClient } from '@tanstack/react-query';
import { messageOf } from '@/lib/api/errors';
import { apiErrorCode } from './api';
import type { WorkbenchStore } from './store';

/** How long a fetched answer counts as fresh: tab switches reuse it, a window coming back into focus after that asks again. */
const STALE_MS = 5_000;

/**
 * The query client of one browser tab. A failed mutation shows its message in the banner (`store.error`) unless its
 * `meta.ownErrors` says the screen shows it itself (a save conflict, a stale evaluation screen). Only a lost
 * connection is retried: a 404 or 409 says the same the second time.
 */
export function createQueryClient(store: WorkbenchStore): QueryClient {
  return new QueryClient({
    mutationCache: new MutationCache({
      onError: (err, _variables, _result, mutation) => {
        if (!mutation.meta?.ownErrors) store.getState().setError(messageOf(err));
      },
    }),
    defaultOptions: {
      queries: { staleTime: STALE_MS, retry: (failures, err) => apiErrorCode(err) === 'network' && failures < 2 },
      mutations: { retry: false },
    },
  });
}
