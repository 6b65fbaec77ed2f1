import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/types/api';
import { apiFetch } from './client';
import { authQueries } from './auth';

export type SiteSettings = components['schemas']['SiteSettings'];
export type SiteSettingsPatch = components['schemas']['PatchedSiteSettingsRequest'];
export type TestResult = components['schemas']['TestResult'];

export const fetchSiteSettings = (signal?: AbortSignal) => apiFetch<SiteSettings>('/api/settings/', { signal });

export const updateSiteSettings = (patch: SiteSettingsPatch) =>
  apiFetch<SiteSettings>('/api/settings/', { method: 'PATCH', body: patch });

export const sendTestEmail = (to: string) =>
  apiFetch<TestResult>('/api/settings/test-email/', { method: 'POST', body: { to } });

/** Tests the issuer's discovery document; `issuer` lets an admin test a URL before saving it. */
export const testSso = (issuer?: string) =>
  apiFetch<TestResult>('/api/settings/test-sso/', { method: 'POST', body: issuer ? { oidc_issuer_url: issuer } : {} });

export const siteSettingsQueries = {
  all: () => ['site-settings'] as const,
  detail: () =>
    queryOptions({ queryKey: [...siteSettingsQueries.all()], queryFn: ({ signal }) => fetchSiteSettings(signal) }),
};

export const useSiteSettings = () => useQuery(siteSettingsQueries.detail());

export function useUpdateSiteSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateSiteSettings,
    meta: { handlesErrors: true, successMessage: 'Settings saved.' },
    onSuccess: (data) => {
      queryClient.setQueryData(siteSettingsQueries.detail().queryKey, data);
      // The login page's SSO button and the session timeout come from the auth config.
      return queryClient.invalidateQueries({ queryKey: authQueries.config().queryKey });
    },
  });
}

export const useSendTestEmail = () => useMutation({ mutationFn: sendTestEmail, meta: { handlesErrors: true } });
export const useTestSso = () => useMutation({ mutationFn: testSso, meta: { handlesErrors: true } });
