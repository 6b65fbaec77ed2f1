import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/types/api';
import { apiFetch, withQuery } from './client';

export type User = components['schemas']['User'];
export type UserInput = components['schemas']['UserRequest'];
export type UserPatch = components['schemas']['PatchedUserRequest'];
type UserPage = components['schemas']['PaginatedUserList'];

export interface UserListParams {
  page?: number;
  page_size?: number;
  search?: string;
  role?: string;
  is_active?: string;
}

export const fetchUsers = (params: UserListParams, signal?: AbortSignal) =>
  apiFetch<UserPage>(withQuery('/api/users/', { ...params }), { signal });

export const createUser = (input: UserInput) => apiFetch<User>('/api/users/', { method: 'POST', body: input });

export const updateUser = ({ id, ...patch }: UserPatch & { id: number }) =>
  apiFetch<User>(`/api/users/${id}/`, { method: 'PATCH', body: patch });

export const deleteUser = (id: number) => apiFetch<void>(`/api/users/${id}/`, { method: 'DELETE' });

export const userQueries = {
  all: () => ['users'] as const,
  list: (params: UserListParams) =>
    queryOptions({
      queryKey: [...userQueries.all(), 'list', params],
      queryFn: ({ signal }) => fetchUsers(params, signal),
      placeholderData: keepPreviousData,
    }),
};

export const useUsers = (params: UserListParams) => useQuery(userQueries.list(params));

function useInvalidatingMutation<TVars, TData>(
  mutationFn: (vars: TVars) => Promise<TData>,
  meta: { handlesErrors?: boolean; successMessage?: string },
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    meta,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userQueries.all() }),
  });
}

export const useCreateUser = () => useInvalidatingMutation(createUser, { handlesErrors: true, successMessage: 'User created.' });
export const useUpdateUser = () => useInvalidatingMutation(updateUser, { successMessage: 'User updated.' });
export const useUpdateUserForm = () => useInvalidatingMutation(updateUser, { handlesErrors: true, successMessage: 'User updated.' });
export const useDeleteUser = () => useInvalidatingMutation(deleteUser, { successMessage: 'User deleted.' });
