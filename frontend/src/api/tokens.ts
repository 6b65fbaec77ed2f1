import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/types/api';
import { apiFetch, rowsOf, type Page } from './client';

export type ApiToken = components['schemas']['ApiToken'];
/** The answer to a creation: the only time the secret itself is shown. */
export type ApiTokenCreated = components['schemas']['ApiTokenCreated'];
export type ApiTokenInput = components['schemas']['ApiTokenRequest'];

export const fetchTokens = async (signal?: AbortSignal) =>
  rowsOf(await apiFetch<Page<ApiToken> | ApiToken[]>('/api/auth/tokens/', { signal }));

export const createToken = (input: ApiTokenInput) =>
  apiFetch<ApiTokenCreated>('/api/auth/tokens/', { method: 'POST', body: input });

export const revokeToken = (id: number) => apiFetch<void>(`/api/auth/tokens/${id}/`, { method: 'DELETE' });

export const tokenQueries = {
  all: () => ['tokens'] as const,
  list: () => queryOptions({ queryKey: [...tokenQueries.all(), 'list'], queryFn: ({ signal }) => fetchTokens(signal) }),
};

export const useTokens = () => useQuery(tokenQueries.list());

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    meta: { handlesErrors: true },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenQueries.all() }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    meta: { successMessage: 'Token revoked.' },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenQueries.all() }),
  });
}
