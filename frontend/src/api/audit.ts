import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/types/api';
import { apiFetch, withQuery } from './client';

export type AuditEvent = components['schemas']['AuditEvent'];
type AuditPage = components['schemas']['PaginatedAuditEventList'];

export interface AuditParams {
  page?: number;
  page_size?: number;
  event?: string;
  actor?: string;
  actor_username?: string;
  success?: string;
  timestamp_after?: string;
  timestamp_before?: string;
}

export const fetchAuditEvents = (params: AuditParams, signal?: AbortSignal) =>
  apiFetch<AuditPage>(withQuery('/api/audit-events/', { ...params }), { signal });

export const auditQueries = {
  all: () => ['audit-events'] as const,
  list: (params: AuditParams) =>
    queryOptions({
      queryKey: [...auditQueries.all(), 'list', params],
      queryFn: ({ signal }) => fetchAuditEvents(params, signal),
      placeholderData: keepPreviousData,
    }),
};

export const useAuditEvents = (params: AuditParams) => useQuery(auditQueries.list(params));
