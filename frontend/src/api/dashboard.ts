import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/types/api';
import { apiFetch } from './client';

export type Dashboard = components['schemas']['Dashboard'];

export const fetchDashboard = (signal?: AbortSignal) => apiFetch<Dashboard>('/api/dashboard/', { signal });

export const dashboardQueries = {
  all: () => ['dashboard'] as const,
  summary: () => queryOptions({ queryKey: [...dashboardQueries.all()], queryFn: ({ signal }) => fetchDashboard(signal) }),
};

export const useDashboard = () => useQuery(dashboardQueries.summary());
