import { useTheme, type ThemePreference } from '@/contexts/ThemeContext';
import { Dropdown } from '@/components/ui/Dropdown';
import { Icon } from '@/components/ui/Icon';

const CHOICES: { value: ThemePreference; label: string; icon: string }[] = [
  { value: 'light', label: 'Light', icon: 'sun' },
  { value: 'dark', label: 'Dark', icon: 'moon-stars' },
  { value: 'system', label: 'System', icon: 'circle-half' },
];

export function ThemeToggle() {
  const { preference, theme, setPreference } = useTheme();
  return (
    <Dropdown
      label={`Theme: ${preference}`}
      toggleClassName="btn btn-sm btn-outline-secondary"
      toggle={<Icon name={theme === 'dark' ? 'moon-stars' : 'sun'} />}
    >
      {(close) =>
        CHOICES.map((choice) => (
          <li key={choice.value}>
            <button
              type="button"
              role="menuitemradio"
              aria-checked={preference === choice.value}
              className={`dropdown-item d-flex align-items-center gap-2${preference === choice.value ? ' active' : ''}`}
              onClick={() => {
                setPreference(choice.value);
                close();
              }}
            >
              <Icon name={choice.icon} /> {choice.label}
            </button>
          </li>
        ))
      }
    </Dropdown>
  );
}
