import { useId, useState, type FormEvent } from 'react';

/** A labelled search box with its button; submits the trimmed query. */
export function SearchForm({
  label,
  buttonLabel,
  initial,
  onSearch,
  compact = false,
}: {
  label: string;
  buttonLabel: string;
  initial: string;
  onSearch: (q: string) => void;
  /** One line: the label is read by screen readers and shown as the placeholder. */
  compact?: boolean;
}) {
  const id = useId();
  const [q, setQ] = useState(initial);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(q.trim());
  };
  return (
    <form role="search" className={compact ? 'search-form search-form--compact' : 'search-form'} onSubmit={onSubmit}>
      <label htmlFor={id} className={compact ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <div className="search-form__row">
        <input
          id={id}
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          autoComplete="off"
          enterKeyHint="search"
          placeholder={compact ? label : undefined}
        />
        <button type="submit" className="button">
          {buttonLabel}
        </button>
      </div>
    </form>
  );
}
