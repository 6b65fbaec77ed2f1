import { describe, expect, it, vi } from 'vitest';

const assetsPage = vi.fn(() => ({ default: () => null }));
vi.mock('@/pages/AssetsPage', () => assetsPage());

describe('preloadRoute', () => {
  it('loads the chunk of the first URL without rendering it', async () => {
    const { preloadRoute } = await import('./router');
    preloadRoute('/assets');
    await vi.waitFor(() => expect(assetsPage).toHaveBeenCalled());
  });

  it('ignores unknown and public paths', async () => {
    const { preloadRoute } = await import('./router');
    expect(() => preloadRoute('/no/such/page')).not.toThrow();
  });
});
