import { useT } from '../../i18n/I18nProvider';
import { SearchForm } from '../../ui/SearchForm';

/** Search box of the catalog; submits the query into the URL. */
export function CatalogSearchForm({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const t = useT();
  return (
    <SearchForm
      label={t('data.catalog.searchLabel')}
      buttonLabel={t('data.catalog.searchButton')}
      initial={initial}
      onSearch={onSearch}
    />
  );
}
