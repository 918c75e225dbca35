import { apiUrl } from '../../api/client';
import { useT } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/en';

/** Whole filtered view as CSV / JSON / NDJSON / Parquet (same filters, sort and fields; no paging). */
export function DownloadLinks({ rowsPath, query }: { rowsPath: string; query: string }) {
  const t = useT();
  return (
    <div className="actions downloads" role="group" aria-label={t('data.explorer.downloads')}>
      {(['csv', 'json', 'ndjson', 'parquet'] as const).map((format) => (
        <a
          key={format}
          className="button button--small button--secondary"
          download
          href={apiUrl(`${rowsPath}.${format}${query ? `?${query}` : ''}`)}
        >
          {t(`data.explorer.download.${format}` as MessageKey)}
        </a>
      ))}
    </div>
  );
}
