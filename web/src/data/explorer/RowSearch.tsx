import { useT } from '../../i18n/I18nProvider';
import { SearchForm } from '../../ui/SearchForm';

/** Full-text search over the text columns (`_q`). */
export function RowSearch({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const t = useT();
  return (
    <SearchForm
      label={t('data.explorer.searchLabel')}
      buttonLabel={t('data.explorer.searchButton')}
      initial={initial}
      onSearch={onSearch}
      compact
    />
  );
}
