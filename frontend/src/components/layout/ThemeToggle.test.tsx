import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from '@/test/utils';
import { ThemeToggle } from './ThemeToggle';

describe('ThemeToggle', () => {
  it('switches to dark, sets data-bs-theme and remembers the choice', async () => {
    const user = userEvent.setup();
    renderApp(<ThemeToggle />);
    await user.click(await screen.findByRole('button', { name: /theme: system/i }));
    await user.click(screen.getByRole('menuitemradio', { name: /dark/i }));
    expect(document.documentElement).toHaveAttribute('data-bs-theme', 'dark');
    expect(localStorage.getItem('cloudtally.theme')).toBe('dark');
    expect(screen.getByRole('button', { name: /theme: dark/i })).toHaveFocus();

    await user.click(screen.getByRole('button', { name: /theme: dark/i }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
  });
});
