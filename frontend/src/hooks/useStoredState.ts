import { useCallback, useState } from 'react';
import { readStored, writeStored } from '@/lib/storage';

/** useState remembered in localStorage under `key`. */
export function useStoredState<T>(key: string, fallback: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => readStored(key, fallback));
  const update = useCallback(
    (next: T) => {
      setValue(next);
      writeStored(key, next);
    },
    [key],
  );
  return [value, update];
}
