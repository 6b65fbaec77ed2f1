import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useAfterPaint } from './useAfterPaint';

describe('useAfterPaint', () => {
  afterEach(() => vi.useRealTimers());

  it('turns true after the frame following readiness, and stays true', async () => {
    vi.useFakeTimers();
    const { result, rerender } = renderHook(({ ready }) => useAfterPaint(ready, 10_000), { initialProps: { ready: false } });
    await act(() => vi.advanceTimersByTimeAsync(500));
    expect(result.current).toBe(false);
    rerender({ ready: true });
    await act(() => vi.advanceTimersByTimeAsync(50));
    expect(result.current).toBe(true);
    rerender({ ready: false });
    expect(result.current).toBe(true);
  });

  it('gives up waiting after maxWaitMs', async () => {
    vi.useFakeTimers();
    const { result } = renderHook(() => useAfterPaint(false, 1_000));
    await act(() => vi.advanceTimersByTimeAsync(999));
    expect(result.current).toBe(false);
    await act(() => vi.advanceTimersByTimeAsync(1));
    expect(result.current).toBe(true);
  });
});
