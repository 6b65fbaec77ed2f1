import { useCallback } from 'react';
import { useLocation, useSearchParams } from 'react-router';

/**
 * The URL's query string as list state. `query` is the raw string, passed unchanged to the API,
 * the export links and saved views so that all of them see exactly the same filters.
 */
export function useListParams() {
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const query = location.search.replace(/^\?/, '');
  const update = useCallback(
    (next: URLSearchParams, options?: { replace?: boolean }) => setParams(next, { replace: options?.replace ?? false }),
    [setParams],
  );
  return { params, query, update };
}
