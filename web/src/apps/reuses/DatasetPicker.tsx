import { useEffect, useId, useState } from 'react';
import { useDatasetSearch } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import { StatusMessage, useErrorMessage } from '../../ui/Messages';

export interface PickedDataset {
  slug: string;
  title: string;
}

/** Choose the datasets a reuse uses: search the catalog (`/datasets?_q=`), add, remove. */
export function DatasetPicker({
  value,
  onChange,
  error,
}: {
  value: PickedDataset[];
  onChange: (v: PickedDataset[]) => void;
  error?: string;
}) {
  const t = useT();
  const errorMessage = useErrorMessage();
  const id = useId();
  const [q, setQ] = useState('');
  const [term, setTerm] = useState('');
  const [status, setStatus] = useState('');
  // Search as one types, a moment after the last key.
  useEffect(() => {
    const timer = setTimeout(() => setTerm(q.trim()), 250);
    return () => clearTimeout(timer);
  }, [q]);
  const results = useDatasetSearch(term ? { _q: term, status: 'published', _limit: 8 } : null);
  const picked = new Set(value.map((d) => d.slug));
  const found = (results.data?.items ?? []).filter((d) => d.status === 'published');
  const errorId = error ? `${id}-error` : undefined;

  const add = (d: PickedDataset) => {
    onChange([...value, d]);
    setStatus(t('reuses.picker.added', { title: d.title }));
  };
  const remove = (d: PickedDataset) => {
    onChange(value.filter((x) => x.slug !== d.slug));
    setStatus(t('reuses.picker.removed', { title: d.title }));
  };

  return (
    <fieldset
      className={['dataset-picker', error ? 'field--invalid' : ''].filter(Boolean).join(' ')}
      aria-describedby={errorId}
    >
      <legend>{t('reuses.field.datasets')}</legend>
      <p className="field__hint">{t('reuses.field.datasetsHint')}</p>
      {error && (
        <p id={errorId} className="field__error">
          <span className="visually-hidden">{t('common.errorPrefix')} </span>
          {error}
        </p>
      )}
      {value.length === 0 ? (
        <p className="small muted">{t('reuses.picker.none')}</p>
      ) : (
        <ul className="dataset-picker__chosen" aria-label={t('reuses.picker.chosen')}>
          {value.map((d) => (
            <li key={d.slug}>
              <span>{d.title}</span>{' '}
              <button type="button" className="button button--small button--secondary" onClick={() => remove(d)}>
                {t('reuses.picker.remove')}
                <span className="visually-hidden"> {d.title}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="field">
        <label htmlFor={id}>{t('reuses.picker.search')}</label>
        <input
          id={id}
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
        />
      </div>
      {term &&
        (results.loading && !results.data ? (
          <p className="small muted">{t('common.loading')}</p>
        ) : results.error && !results.data ? (
          <p className="notice notice--error">{errorMessage(results.error)}</p>
        ) : found.length === 0 ? (
          <p className="small muted">{t('reuses.picker.noResult')}</p>
        ) : (
          <ul className="dataset-picker__results" aria-label={t('reuses.picker.results')}>
            {found.map((d) => (
              <li key={d.slug}>
                <span>{d.title}</span>
                {d.organization ? <span className="small muted"> · {d.organization.name}</span> : null}{' '}
                {picked.has(d.slug) ? (
                  <span className="small muted">{t('reuses.picker.alreadyAdded')}</span>
                ) : (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => add({ slug: d.slug, title: d.title })}
                  >
                    {t('reuses.picker.add')}
                    <span className="visually-hidden"> {d.title}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        ))}
      <StatusMessage tone="info">{status}</StatusMessage>
    </fieldset>
  );
}
