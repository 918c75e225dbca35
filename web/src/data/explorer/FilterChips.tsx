import { useT } from '../../i18n/I18nProvider';
import { filterText } from './opLabel';
import type { Filter } from './viewState';

/** Active filters (and the search), each with a remove button. */
export function FilterChips({
  filters,
  q,
  onRemove,
  onClearSearch,
  onClearAll,
}: {
  filters: Filter[];
  q: string;
  onRemove: (index: number) => void;
  onClearSearch: () => void;
  onClearAll: () => void;
}) {
  const t = useT();
  if (filters.length === 0 && !q) return null;
  return (
    <div className="chips">
      <ul aria-label={t('data.explorer.activeFilters')} className="chips__list">
        {q && (
          <li className="chip">
            <span>{t('data.explorer.searchChip', { q })}</span>
            <button
              type="button"
              className="chip__remove"
              onClick={onClearSearch}
              aria-label={t('data.explorer.removeSearch', { q })}
            >
              ×
            </button>
          </li>
        )}
        {filters.map((f, i) => {
          const text = filterText(t, f);
          return (
            <li key={`${f.column}-${f.op}-${f.value}-${i}`} className="chip">
              <span>{text}</span>
              <button
                type="button"
                className="chip__remove"
                onClick={() => onRemove(i)}
                aria-label={t('data.explorer.removeFilter', { filter: text })}
              >
                ×
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" className="button button--small button--secondary" onClick={onClearAll}>
        {t('data.explorer.clearFilters')}
      </button>
    </div>
  );
}
