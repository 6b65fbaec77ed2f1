import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/types/api';
import { apiFetch, withQuery } from './client';

export type DiscoveryJob = components['schemas']['DiscoveryJob'];
export type DiscoveryJobDetail = components['schemas']['DiscoveryJobDetail'];
export type JobStatus = DiscoveryJob['status'];
export type JobAccount = components['schemas']['JobAccount'];

/** Every job status with its label; a Record, so the compiler flags any status the schema adds. */
export const JOB_STATUS_LABELS: Record<JobStatus, string> = {
  PENDING: 'Pending',
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  PARTIAL: 'Partial',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};
type JobPage = components['schemas']['PaginatedDiscoveryJobList'];

export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = ['PENDING', 'RUNNING'];
export const TRIGGER_LABELS: Record<string, string> = { ui: 'Web UI', api: 'API', cli: 'Command line', schedule: 'Schedule' };

export const isJobActive = (status: string | undefined) => ACTIVE_JOB_STATUSES.includes(status as JobStatus);

export interface JobListParams {
  page?: number;
  page_size?: number;
  status?: string;
  account?: string;
}

export const fetchJobs = (params: JobListParams, signal?: AbortSignal) =>
  apiFetch<JobPage>(withQuery('/api/discovery/jobs/', { ...params }), { signal });

export const fetchJob = (id: number, signal?: AbortSignal) =>
  apiFetch<DiscoveryJobDetail>(`/api/discovery/jobs/${id}/`, { signal });

export const startDiscovery = (account: number | null) =>
  apiFetch<DiscoveryJob>('/api/discovery/jobs/', { method: 'POST', body: { account } });

export const cancelJob = (id: number) =>
  apiFetch<DiscoveryJobDetail>(`/api/discovery/jobs/${id}/cancel/`, { method: 'POST', body: {} });

const POLL_MS = 2000;

export const discoveryQueries = {
  all: () => ['discovery-jobs'] as const,
  list: (params: JobListParams) =>
    queryOptions({
      queryKey: [...discoveryQueries.all(), 'list', params],
      queryFn: ({ signal }) => fetchJobs(params, signal),
      placeholderData: keepPreviousData,
      // Keep the list live while any job on it is still running.
      refetchInterval: (query) => (query.state.data?.results.some((job) => isJobActive(job.status)) ? POLL_MS : false),
    }),
  detail: (id: number) =>
    queryOptions({
      queryKey: [...discoveryQueries.all(), 'detail', id],
      queryFn: ({ signal }) => fetchJob(id, signal),
      refetchInterval: (query) => (isJobActive(query.state.data?.status) ? POLL_MS : false),
    }),
};

export const useJobs = (params: JobListParams) => useQuery(discoveryQueries.list(params));
export const useJob = (id: number) => useQuery(discoveryQueries.detail(id));

export function useStartDiscovery() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: startDiscovery,
    meta: { handlesErrors: true },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: discoveryQueries.all() }),
  });
}

export function useCancelJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelJob,
    meta: { successMessage: 'Cancellation requested.' },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: discoveryQueries.all() }),
  });
}
