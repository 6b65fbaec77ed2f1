import { MutationCache, QueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from './client';
import { toast } from '@/lib/toast';

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: {
      /** The caller shows the error itself (a form with field errors), so no toast. */
      handlesErrors?: boolean;
      /** Toast shown on success. */
      successMessage?: string;
    };
  }
}

function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

/**
 * Errors are surfaced once: a failed query shows its error state where its data would be; a failed
 * mutation raises one toast here unless its form shows the error at the fields.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (mutation.meta?.handlesErrors) return;
        if (error instanceof ApiError && error.status === 401) return; // already redirecting
        toast.error(errorMessage(error));
      },
      onSuccess: (_data, _variables, _context, mutation) => {
        if (mutation.meta?.successMessage) toast.success(mutation.meta.successMessage);
      },
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 15_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}
