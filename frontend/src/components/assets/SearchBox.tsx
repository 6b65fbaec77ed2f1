import { useEffect, useId, useRef, useState } from 'react';
import { useDebouncedValue } from '@/hooks/useDebouncedValue';
import { Icon } from '@/components/ui/Icon';

/** Text search that writes to the URL 300 ms after typing stops (replacing, not pushing, history). */
export function SearchBox({
  value,
  onSearch,
  label = 'Search assets',
  placeholder = 'Name, ID, ARN, IP, tag…',
}: {
  value: string;
  onSearch: (text: string) => void;
  label?: string;
  placeholder?: string;
}) {
  const [text, setText] = useState(value);
  const debounced = useDebouncedValue(text, 300);
  const id = useId();
  const latest = useRef({ value, onSearch });
  latest.current = { value, onSearch };

  // The URL changed from elsewhere (back button, saved view): show its text.
  useEffect(() => {
    setText(value);
  }, [value]);

  useEffect(() => {
    if (debounced.trim() !== latest.current.value) latest.current.onSearch(debounced.trim());
  }, [debounced]);

  return (
    <div className="input-group" style={{ maxWidth: '28rem' }}>
      <span className="input-group-text">
        <Icon name="search" />
      </span>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        type="search"
        className="form-control"
        placeholder={placeholder}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
    </div>
  );
}
