import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/types/api';
import { apiFetch, rowsOf, withQuery, type Page } from './client';

export type Category = components['schemas']['Category'];
export type CategoryInput = components['schemas']['CategoryRequest'];

export const fetchCategories = async (signal?: AbortSignal) =>
  rowsOf(await apiFetch<Page<Category> | Category[]>(withQuery('/api/categories/', { page_size: 500 }), { signal }));

export const createCategory = (input: CategoryInput) =>
  apiFetch<Category>('/api/categories/', { method: 'POST', body: input });

export const updateCategory = ({ id, ...input }: CategoryInput & { id: number }) =>
  apiFetch<Category>(`/api/categories/${id}/`, { method: 'PATCH', body: input });

export const deleteCategory = (id: number) => apiFetch<void>(`/api/categories/${id}/`, { method: 'DELETE' });

export const categoryQueries = {
  all: () => ['categories'] as const,
  list: () =>
    queryOptions({ queryKey: [...categoryQueries.all(), 'list'], queryFn: ({ signal }) => fetchCategories(signal) }),
};

export const useCategories = () => useQuery(categoryQueries.list());

function useCategoryMutation<TVars, TData>(mutationFn: (vars: TVars) => Promise<TData>, successMessage: string, handlesErrors = true) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    meta: { handlesErrors, successMessage },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: categoryQueries.all() }),
  });
}

export const useCreateCategory = () => useCategoryMutation(createCategory, 'Category created.');
export const useUpdateCategory = () => useCategoryMutation(updateCategory, 'Category saved.');
export const useDeleteCategory = () => useCategoryMutation(deleteCategory, 'Category deleted.', false);
