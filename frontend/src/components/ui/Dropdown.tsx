import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

interface DropdownProps {
  /** Content of the toggle button. */
  toggle: ReactNode;
  /** Accessible name of the toggle button. */
  label: string;
  toggleClassName?: string;
  align?: 'start' | 'end';
  children: (close: () => void) => ReactNode;
}

/** A menu button: Escape or a click outside closes it, arrow keys move between its items. */
export function Dropdown({ toggle, label, toggleClassName = 'btn btn-outline-secondary', align = 'end', children }: DropdownProps) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: MouseEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onPointer);
    rootRef.current?.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
    return () => document.removeEventListener('mousedown', onPointer);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  function onMenuKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    const items = Array.from(event.currentTarget.querySelectorAll<HTMLElement>('[role^="menuitem"]'));
    const index = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      items[(index + 1) % items.length]?.focus();
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      items[(index - 1 + items.length) % items.length]?.focus();
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  }

  return (
    <div className="dropdown" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={`${toggleClassName} dropdown-toggle`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={label}
        onClick={() => setOpen((value) => !value)}
      >
        {toggle}
      </button>
      {open && (
        <ul
          id={menuId}
          role="menu"
          aria-label={label}
          className={`dropdown-menu show ${align === 'end' ? 'dropdown-menu-end' : ''}`}
          style={{ position: 'absolute', [align === 'end' ? 'right' : 'left']: 0, top: '100%' }}
          onKeyDown={onMenuKeyDown}
        >
          {children(close)}
        </ul>
      )}
    </div>
  );
}
