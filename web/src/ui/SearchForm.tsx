import { useId, useState, type FormEvent } from 'react';

/** A labelled search box with its button; submits the trimmed query. */
export function SearchForm({
  label,
  buttonLabel,
  initial,
  onSearch,
}: {
  label: string;
  buttonLabel: string;
  initial: string;
  onSearch: (q: string) => void;
}) {
  const id = useId();
  const [q, setQ] = useState(initial);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(q.trim());
  };
  return (
    <form role="search" className="search-form" onSubmit={onSubmit}>
      <label htmlFor={id}>{label}</label>
      <div className="search-form__row">
        <input
          id={id}
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          autoComplete="off"
          enterKeyHint="search"
        />
        <button type="submit" className="button">
          {buttonLabel}
        </button>
      </div>
    </form>
  );
}
