import { useState } from 'react';
import { useAction } from '../../api/hooks';
import { fetchRejections, type ImportReport as Report, type RejectionPage } from '../../api/data';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../ui/Messages';
import { formatNumber } from '../format';
import { cursorFromNext } from '../paths';
import { importMessageText } from '../importMessages';
import { RejectionsTable } from './RejectionsTable';

interface Props {
  report: Report;
  /** Job that produced the report: enables loading the full list of rejected rows. */
  jobId: string | null;
  title: string;
}

/** Counts, warnings and rejected rows of an import. */
export function ImportReport({ report, jobId, title }: Props) {
  const { t, lang } = useI18n();
  const action = useAction();
  const [full, setFull] = useState<RejectionPage | null>(null);
  const sample = report.rejectedSample ?? [];
  const rows = full ? full.items : sample;
  const canLoadMore =
    jobId &&
    report.rowsRejected > 0 &&
    (full ? Boolean(full.next) : report.rowsRejected > sample.length || sample.length === 0);

  const load = async () => {
    if (!jobId) return;
    const cursor = full ? cursorFromNext(full.next) : null;
    // The rejections' cursor is a row number.
    const query = { _limit: 500, ...(cursor ? { _cursor: Number(cursor) } : {}) };
    const result = await action.run(() => fetchRejections(jobId, query));
    if (result.ok) setFull({ items: [...(full?.items ?? []), ...result.value.items], next: result.value.next });
  };

  return (
    <div className="import-report">
      <h4 className="import-report__title">{t('data.report.heading')}</h4>
      <ul className="inline-list small">
        <li>{t('data.report.imported', { count: report.rowsImported })}</li>
        <li>{t('data.report.rejected', { count: report.rowsRejected })}</li>
        {typeof report.durationMs === 'number' && (
          <li>
            {t('data.report.duration', { seconds: formatNumber(lang, Math.round(report.durationMs / 100) / 10) })}
          </li>
        )}
      </ul>
      {report.error && <p className="notice notice--error">{report.error}</p>}
      {report.warnings?.length > 0 && (
        <div className="notice notice--warning">
          <p className="notice__title">{t('data.report.warnings')}</p>
          <ul>
            {report.warnings.map((w, i) => (
              <li key={i}>{importMessageText(t, w)}</li>
            ))}
          </ul>
        </div>
      )}
      {rows.length > 0 && (
        <>
          <p className="small muted">
            {full
              ? t('data.report.fullShown', { count: formatNumber(lang, rows.length) })
              : t('data.report.sampleShown', { count: formatNumber(lang, rows.length) })}
          </p>
          <RejectionsTable items={rows} caption={t('data.report.rejectedCaption', { title })} />
        </>
      )}
      <ErrorAlert error={action.error} />
      {canLoadMore && (
        <button
          type="button"
          className="button button--small button--secondary"
          disabled={action.pending}
          onClick={() => void load()}
        >
          {full ? t('data.report.loadMore') : t('data.report.loadAll')}
        </button>
      )}
    </div>
  );
}
