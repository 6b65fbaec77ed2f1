import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '@/test/utils';
import { ComplianceGaps } from './ComplianceGaps';

describe('ComplianceGaps', () => {
  it('links each gap to the asset list filtered by its query', async () => {
    renderApp(
      <ComplianceGaps
        gaps={[
          { key: 'owner', label: 'Assets without an owner', count: 4, query: 'missing=owner' },
          { key: 'review', label: 'Not reviewed in 12 months', count: 0, query: '' },
        ]}
      />,
    );
    expect(await screen.findByRole('link', { name: 'Assets without an owner' })).toHaveAttribute('href', '/assets?missing=owner');
    expect(screen.getByRole('link', { name: 'Not reviewed in 12 months' })).toHaveAttribute('href', '/assets?missing=review');
  });
});
