import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { components } from '@/types/api';
import { apiFetch, withQuery, type RequestOptions } from './client';
import { dashboardQueries } from './dashboard';

export type Asset = components['schemas']['Asset'];
export type AssetRow = components['schemas']['AssetBrief'];
export type AssetInput = components['schemas']['AssetRequest'];
export type AssetStatus = components['schemas']['AssetStatusEnum'];
export type RelationshipType = components['schemas']['RelationshipTypeEnum'];
export type AssetChange = components['schemas']['AssetChange'];
export type AssetRelationships = components['schemas']['AssetRelationships'];
export type AssetGraph = components['schemas']['AssetGraph'];
export type BulkActionInput = components['schemas']['BulkActionRequest'];
export type BulkActionResult = components['schemas']['BulkActionResult'];
export type ImportResult = components['schemas']['ImportResult'];
export type FilterOptions = components['schemas']['FilterOptions'];
type AssetPage = components['schemas']['PaginatedAssetBriefList'];
type ChangePage = components['schemas']['PaginatedAssetChangeList'];

/** `query` is the asset list's query string exactly as it stands in the page URL. */
export const fetchAssets = (query: string, signal?: AbortSignal, options: Pick<RequestOptions, 'redirectOn401'> = {}) =>
  apiFetch<AssetPage>(withQuery('/api/assets/', query), { signal, ...options });

export const fetchAsset = (id: number, signal?: AbortSignal) => apiFetch<Asset>(`/api/assets/${id}/`, { signal });

export const fetchAssetHistory = (id: number, page: number, signal?: AbortSignal) =>
  apiFetch<ChangePage>(withQuery(`/api/assets/${id}/history/`, { page }), { signal });

export const fetchAssetRelationships = (id: number, signal?: AbortSignal) =>
  apiFetch<AssetRelationships>(`/api/assets/${id}/relationships/`, { signal });

export const fetchAssetGraph = (id: number, depth: number, signal?: AbortSignal) =>
  apiFetch<AssetGraph>(withQuery(`/api/assets/${id}/graph/`, { depth }), { signal });

export const fetchFilterOptions = (signal?: AbortSignal) =>
  apiFetch<FilterOptions>('/api/assets/filter-options/', { signal });

export const createAsset = (input: AssetInput) => apiFetch<Asset>('/api/assets/', { method: 'POST', body: input });

export const updateAsset = ({ id, ...input }: Partial<AssetInput> & { id: number }) =>
  apiFetch<Asset>(`/api/assets/${id}/`, { method: 'PATCH', body: input });

type AssetAction = 'decommission' | 'restore' | 'mark-reviewed';
export const assetAction = ({ id, action }: { id: number; action: AssetAction }) =>
  apiFetch<Asset>(`/api/assets/${id}/${action}/`, { method: 'POST', body: {} });

export const bulkAction = (input: BulkActionInput) =>
  apiFetch<BulkActionResult>('/api/assets/bulk/', { method: 'POST', body: input });

export function importAssets(file: File) {
  const form = new FormData();
  form.append('file', file);
  return apiFetch<ImportResult>('/api/assets/import/', { method: 'POST', body: form });
}

export const exportUrl = (format: 'csv' | 'excel', query: string) => withQuery(`/assets/export/${format}/`, query);

export const assetQueries = {
  all: () => ['assets'] as const,
  list: (query: string) =>
    queryOptions({
      queryKey: [...assetQueries.all(), 'list', query],
      queryFn: ({ signal }) => fetchAssets(query, signal),
      placeholderData: keepPreviousData,
    }),
  detail: (id: number) =>
    queryOptions({ queryKey: [...assetQueries.all(), 'detail', id], queryFn: ({ signal }) => fetchAsset(id, signal) }),
  history: (id: number, page: number) =>
    queryOptions({
      queryKey: [...assetQueries.all(), 'detail', id, 'history', page],
      queryFn: ({ signal }) => fetchAssetHistory(id, page, signal),
      placeholderData: keepPreviousData,
    }),
  relationships: (id: number) =>
    queryOptions({
      queryKey: [...assetQueries.all(), 'detail', id, 'relationships'],
      queryFn: ({ signal }) => fetchAssetRelationships(id, signal),
    }),
  graph: (id: number, depth: number) =>
    queryOptions({
      queryKey: [...assetQueries.all(), 'detail', id, 'graph', depth],
      queryFn: ({ signal }) => fetchAssetGraph(id, depth, signal),
      placeholderData: keepPreviousData,
    }),
  filterOptions: () =>
    queryOptions({
      queryKey: [...assetQueries.all(), 'filter-options'],
      queryFn: ({ signal }) => fetchFilterOptions(signal),
      staleTime: 5 * 60_000,
    }),
};

/**
 * Starts the list page's request before the page is rendered (at boot, beside the session check): the
 * same query key and fetcher as `useAssets(query)`, so the page picks up the response (or the request
 * still in flight). Without a session the API answers 401/403; that is left to the route guard, which
 * sends the browser to the login page, instead of redirecting from here.
 */
export const prefetchAssets = (queryClient: QueryClient, query: string) =>
  queryClient.prefetchQuery({
    ...assetQueries.list(query),
    queryFn: ({ signal }) => fetchAssets(query, signal, { redirectOn401: false }),
  });

export const useAssets = (query: string) => useQuery(assetQueries.list(query));
export const useAsset = (id: number) => useQuery(assetQueries.detail(id));
export const useAssetHistory = (id: number, page: number) => useQuery(assetQueries.history(id, page));
export const useAssetRelationships = (id: number) => useQuery(assetQueries.relationships(id));
export const useAssetGraph = (id: number, depth: number) => useQuery(assetQueries.graph(id, depth));
/** `enabled: false` holds the request back (the asset list starts it once its rows are on screen). */
export const useFilterOptions = ({ enabled = true }: { enabled?: boolean } = {}) => useQuery({ ...assetQueries.filterOptions(), enabled });

/** Any asset write can change lists, details, history and the dashboard's figures. */
function useAssetMutation<TVars, TData>(
  mutationFn: (vars: TVars) => Promise<TData>,
  meta: { handlesErrors?: boolean; successMessage?: string },
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    meta,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: assetQueries.all() }),
        queryClient.invalidateQueries({ queryKey: dashboardQueries.all() }),
      ]),
  });
}

export const useCreateAsset = () => useAssetMutation(createAsset, { handlesErrors: true, successMessage: 'Asset created.' });
export const useUpdateAsset = () => useAssetMutation(updateAsset, { handlesErrors: true, successMessage: 'Asset saved.' });
export const useAssetAction = () => useAssetMutation(assetAction, {});
export const useBulkAction = () => useAssetMutation(bulkAction, { handlesErrors: true });
export const useImportAssets = () => useAssetMutation(importAssets, { handlesErrors: true });
