import { useVersions, type VersionView } from '../../api/data';
import { useI18n } from '../../i18n/I18nProvider';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { TableWrap } from '../../ui/TableWrap';
import { formatBytes, formatNumber } from '../format';
import { versionStatusLabel } from '../labels';
import { versionDownloadUrl } from '../paths';

/** Every version of a resource, newest first, with its diff summary and download link. */
export function VersionsList({ slug, resourceId, title }: { slug: string; resourceId: string; title: string }) {
  const { t, lang, formatDateTime } = useI18n();
  const errorMessage = useErrorMessage();
  const versions = useVersions(slug, resourceId);
  if (versions.loading && !versions.data) return <Loading />;
  if (!versions.data)
    return (
      <p className="notice notice--error">{versions.error ? errorMessage(versions.error) : t('error.loadFailed')}</p>
    );
  const items = versions.data.items;
  if (items.length === 0) return <p className="empty-state">{t('data.versions.empty')}</p>;

  const diffText = (v: VersionView) => {
    if (!v.diff) return t('data.versions.noDiff');
    const parts = [
      t('data.versions.rows', {
        before: formatNumber(lang, v.diff.rowsBefore),
        after: formatNumber(lang, v.diff.rowsAfter),
      }),
    ];
    if (v.diff.rowsAdded !== undefined)
      parts.push(
        t('data.versions.rowChanges', {
          added: formatNumber(lang, v.diff.rowsAdded),
          removed: formatNumber(lang, v.diff.rowsRemoved ?? 0),
        }),
      );
    if (typeof v.diff.rowsChanged === 'number')
      parts.push(t('data.versions.rowsChanged', { changed: formatNumber(lang, v.diff.rowsChanged) }));
    if (v.diff.fieldsAdded.length) parts.push(t('data.versions.added', { fields: v.diff.fieldsAdded.join(', ') }));
    if (v.diff.fieldsRemoved.length)
      parts.push(t('data.versions.removed', { fields: v.diff.fieldsRemoved.join(', ') }));
    return parts.join(' · ');
  };

  return (
    <TableWrap label={t('data.versions.caption', { title })}>
      <table>
        <caption className="visually-hidden">{t('data.versions.caption', { title })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('data.versions.number')}</th>
            <th scope="col">{t('data.versions.status')}</th>
            <th scope="col">{t('data.versions.date')}</th>
            <th scope="col">{t('data.versions.file')}</th>
            <th scope="col">{t('data.versions.changes')}</th>
            <th scope="col">{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((v) => (
            <tr key={v.id}>
              <th scope="row">v{v.number}</th>
              <td>
                <span className={`status-pill status-pill--${v.status}`}>{versionStatusLabel(t, v.status)}</span>
              </td>
              <td>
                <time dateTime={v.createdAt}>{formatDateTime(v.createdAt)}</time>
              </td>
              <td>
                {v.fileName ?? '—'}
                {v.byteSize !== null && <span className="muted"> ({formatBytes(lang, v.byteSize)})</span>}
                {v.rowCount !== null && (
                  <span className="muted"> · {t('data.resource.rows', { count: v.rowCount })}</span>
                )}
              </td>
              <td className="cell--wrap">{diffText(v)}</td>
              <td>
                {v.fileName && (
                  <a
                    className="button button--small button--secondary"
                    href={versionDownloadUrl(slug, resourceId, v.number)}
                    download
                  >
                    {t('data.versions.download')}
                    <span className="visually-hidden">
                      {' '}
                      {t('data.versions.downloadTarget', { number: v.number, title })}
                    </span>
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
