import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/types/api';
import { leaveTo } from '@/lib/leave';
import { ApiError, apiFetch } from './client';

export type Me = components['schemas']['Me'];
export type AuthConfig = components['schemas']['AuthConfig'];
export type LoginInput = components['schemas']['LoginRequest'];
export type PasswordChangeInput = components['schemas']['PasswordChangeRequest'];
export type PasswordResetConfirmInput = components['schemas']['PasswordResetConfirmRequest'];
export type LogoutResult = components['schemas']['Logout'];

/** The signed-in user, or null when there is no session (401/403 are answers here, not errors). */
export async function fetchMe(signal?: AbortSignal): Promise<Me | null> {
  try {
    return await apiFetch<Me>('/api/auth/me/', { signal, redirectOn401: false });
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

export const fetchAuthConfig = (signal?: AbortSignal) =>
  apiFetch<AuthConfig>('/api/auth/config/', { signal, redirectOn401: false });

export const login = (input: LoginInput) =>
  apiFetch<Me>('/api/auth/login/', { method: 'POST', body: input, redirectOn401: false });

/** Ends the session; after an SSO sign-in `logout_url` is the provider's sign-out page to go to next. */
export const logout = () => apiFetch<LogoutResult>('/api/auth/logout/', { method: 'POST', redirectOn401: false });

export const changePassword = (input: PasswordChangeInput) =>
  apiFetch<void>('/api/auth/password/change/', { method: 'POST', body: input });

export const requestPasswordReset = (email: string) =>
  apiFetch<void>('/api/auth/password/reset/', { method: 'POST', body: { email }, redirectOn401: false });

export const confirmPasswordReset = (input: PasswordResetConfirmInput) =>
  apiFetch<void>('/api/auth/password/reset/confirm/', { method: 'POST', body: input, redirectOn401: false });

export const authQueries = {
  all: () => ['auth'] as const,
  me: () =>
    queryOptions({
      queryKey: [...authQueries.all(), 'me'],
      queryFn: ({ signal }) => fetchMe(signal),
      staleTime: 5 * 60_000,
    }),
  config: () =>
    queryOptions({
      queryKey: [...authQueries.all(), 'config'],
      queryFn: ({ signal }) => fetchAuthConfig(signal),
      staleTime: 10 * 60_000,
    }),
};

export const useAuthConfig = () => useQuery(authQueries.config());

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    meta: { handlesErrors: true },
    onSuccess: (user) => {
      queryClient.setQueryData(authQueries.me().queryKey, user);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    // After an SSO sign-in the provider's session ends too: its sign-out page sends the browser back to /login.
    onSuccess: ({ logout_url }) => {
      if (logout_url) leaveTo(logout_url);
    },
    onSettled: () => {
      queryClient.clear();
      queryClient.setQueryData(authQueries.me().queryKey, null);
    },
  });
}

export const useChangePassword = () =>
  useMutation({ mutationFn: changePassword, meta: { handlesErrors: true, successMessage: 'Password changed.' } });

export const useRequestPasswordReset = () =>
  useMutation({ mutationFn: requestPasswordReset, meta: { handlesErrors: true } });

export const useConfirmPasswordReset = () =>
  useMutation({ mutationFn: confirmPasswordReset, meta: { handlesErrors: true } });
