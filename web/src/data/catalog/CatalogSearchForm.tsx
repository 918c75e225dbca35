import { useId, useState, type FormEvent } from 'react';
import { useT } from '../../i18n/I18nProvider';

/** Search box of the catalog; submits the query into the URL. */
export function CatalogSearchForm({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const t = useT();
  const id = useId();
  const [q, setQ] = useState(initial);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(q.trim());
  };
  return (
    <form role="search" className="search-form" onSubmit={onSubmit}>
      <label htmlFor={id}>{t('data.catalog.searchLabel')}</label>
      <div className="search-form__row">
        <input id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" enterKeyHint="search" />
        <button type="submit" className="button">{t('data.catalog.searchButton')}</button>
      </div>
    </form>
  );
}
