import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/types/api';
import { apiFetch, rowsOf, withQuery, type Page } from './client';

export type SavedView = components['schemas']['SavedView'];
export type SavedViewInput = components['schemas']['SavedViewRequest'];

export const fetchSavedViews = async (signal?: AbortSignal) =>
  rowsOf(await apiFetch<Page<SavedView> | SavedView[]>(withQuery('/api/saved-views/', { page_size: 500 }), { signal }));

export const createSavedView = (input: SavedViewInput) =>
  apiFetch<SavedView>('/api/saved-views/', { method: 'POST', body: input });

export const deleteSavedView = (id: number) => apiFetch<void>(`/api/saved-views/${id}/`, { method: 'DELETE' });

export const savedViewQueries = {
  all: () => ['saved-views'] as const,
  list: () =>
    queryOptions({ queryKey: [...savedViewQueries.all(), 'list'], queryFn: ({ signal }) => fetchSavedViews(signal) }),
};

export const useSavedViews = ({ enabled = true }: { enabled?: boolean } = {}) => useQuery({ ...savedViewQueries.list(), enabled });

export function useCreateSavedView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createSavedView,
    meta: { handlesErrors: true, successMessage: 'View saved.' },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: savedViewQueries.all() }),
  });
}

export function useDeleteSavedView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSavedView,
    meta: { successMessage: 'View deleted.' },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: savedViewQueries.all() }),
  });
}
