import { useId, useState, type FormEvent } from 'react';
import { useT } from '../../i18n/I18nProvider';

/** Full-text search over the text columns (`_q`). */
export function RowSearch({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const t = useT();
  const id = useId();
  const [q, setQ] = useState(initial);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(q.trim());
  };
  return (
    <form role="search" className="search-form" onSubmit={onSubmit}>
      <label htmlFor={id}>{t('data.explorer.searchLabel')}</label>
      <div className="search-form__row">
        <input id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" enterKeyHint="search" />
        <button type="submit" className="button">{t('data.explorer.searchButton')}</button>
      </div>
    </form>
  );
}
