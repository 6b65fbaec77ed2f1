import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/types/api';
import { apiFetch } from './client';
import { assetQueries } from './assets';

export type Relationship = components['schemas']['Relationship'];
export type RelationshipInput = components['schemas']['RelationshipRequest'];

export const createRelationship = (input: RelationshipInput) =>
  apiFetch<Relationship>('/api/relationships/', { method: 'POST', body: input });

export const deleteRelationship = (id: number) => apiFetch<void>(`/api/relationships/${id}/`, { method: 'DELETE' });

// Relationships are read through their assets (assetQueries.relationships/graph), so writes
// invalidate the asset keys.
function useRelationshipMutation<TVars, TData>(mutationFn: (vars: TVars) => Promise<TData>, successMessage: string, handlesErrors: boolean) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    meta: { successMessage, handlesErrors },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assetQueries.all() }),
  });
}

export const useCreateRelationship = () => useRelationshipMutation(createRelationship, 'Relationship added.', true);
export const useDeleteRelationship = () => useRelationshipMutation(deleteRelationship, 'Relationship removed.', false);
