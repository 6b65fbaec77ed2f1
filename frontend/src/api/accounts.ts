import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/types/api';
import { apiFetch, rowsOf, withQuery, type Page } from './client';
import { discoveryQueries, type DiscoveryJob } from './discovery';

export type Account = components['schemas']['Account'];
export type AccountInput = components['schemas']['AccountRequest'];
export type Region = components['schemas']['Region'];
export type ConnectionTest = components['schemas']['ConnectionTest'];
export type OrgSyncResult = components['schemas']['OrgSyncResult'];

export const fetchAccounts = async (signal?: AbortSignal) =>
  rowsOf(await apiFetch<Page<Account> | Account[]>(withQuery('/api/accounts/', { page_size: 500 }), { signal }));

export const fetchAccount = (id: number, signal?: AbortSignal) => apiFetch<Account>(`/api/accounts/${id}/`, { signal });

export const fetchRegions = async (signal?: AbortSignal) =>
  rowsOf(await apiFetch<Page<Region> | Region[]>('/api/accounts/regions/', { signal }));

export const createAccount = (input: AccountInput) => apiFetch<Account>('/api/accounts/', { method: 'POST', body: input });

export const updateAccount = ({ id, ...input }: Partial<AccountInput> & { id: number }) =>
  apiFetch<Account>(`/api/accounts/${id}/`, { method: 'PATCH', body: input });

export const deleteAccount = (id: number) => apiFetch<void>(`/api/accounts/${id}/`, { method: 'DELETE' });

export const testConnection = (id: number) =>
  apiFetch<ConnectionTest>(`/api/accounts/${id}/test-connection/`, { method: 'POST', body: {} });

export const discoverAccount = (id: number) =>
  apiFetch<DiscoveryJob>(`/api/accounts/${id}/discover/`, { method: 'POST', body: {} });

export const syncOrg = (id: number) => apiFetch<OrgSyncResult>(`/api/accounts/${id}/sync-org/`, { method: 'POST', body: {} });

export const accountQueries = {
  all: () => ['accounts'] as const,
  list: () => queryOptions({ queryKey: [...accountQueries.all(), 'list'], queryFn: ({ signal }) => fetchAccounts(signal) }),
  detail: (id: number) =>
    queryOptions({ queryKey: [...accountQueries.all(), 'detail', id], queryFn: ({ signal }) => fetchAccount(id, signal) }),
  regions: () =>
    queryOptions({
      queryKey: [...accountQueries.all(), 'regions'],
      queryFn: ({ signal }) => fetchRegions(signal),
      staleTime: Infinity,
    }),
};

export const useAccounts = () => useQuery(accountQueries.list());
export const useAccount = (id: number) => useQuery({ ...accountQueries.detail(id), enabled: id > 0 });
export const useRegions = () => useQuery(accountQueries.regions());

function useAccountMutation<TVars, TData>(
  mutationFn: (vars: TVars) => Promise<TData>,
  meta: { handlesErrors?: boolean; successMessage?: string } = {},
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    meta,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountQueries.all() }),
  });
}

export const useCreateAccount = () => useAccountMutation(createAccount, { handlesErrors: true, successMessage: 'Account added.' });
export const useUpdateAccount = () => useAccountMutation(updateAccount, { handlesErrors: true, successMessage: 'Account saved.' });
export const useDeleteAccount = () => useAccountMutation(deleteAccount, { successMessage: 'Account deleted.' });
export const useTestConnection = () => useMutation({ mutationFn: testConnection });
export const useSyncOrg = () => useAccountMutation(syncOrg);

export function useDiscoverAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: discoverAccount,
    meta: { handlesErrors: true },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: discoveryQueries.all() }),
  });
}
