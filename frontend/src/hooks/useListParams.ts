import { useCallback } from 'react';
import { useLocation, useSearchParams } from 'react-router';

/** A URL's search part (`?a=1&b=2`) as the list query string the API receives (`a=1&b=2`). */
export const listQueryOf = (search: string) => search.replace(/^\?/, '');

/**
 * The URL's query string as list state. `query` is the raw string, passed unchanged to the API,
 * the export links and saved views so that all of them see exactly the same filters.
 */
export function useListParams() {
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const query = listQueryOf(location.search);
  const update = useCallback(
    (next: URLSearchParams, options?: { replace?: boolean }) => setParams(next, { replace: options?.replace ?? false }),
    [setParams],
  );
  return { params, query, update };
}
