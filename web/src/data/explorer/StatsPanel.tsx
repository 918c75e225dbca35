import { useColumnStats, type ColumnStats, type ResourceRef, type TableField } from '../../api/data';
import { useI18n } from '../../i18n/I18nProvider';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { cellText, formatNumber } from '../format';

/** Per column: min, max, nulls, distinct count and the top values as a small bar chart (over the whole table). */
export function StatsPanel({ resource, fields }: { resource: ResourceRef; fields: TableField[] }) {
  const { t } = useI18n();
  const errorMessage = useErrorMessage();
  const stats = useColumnStats(resource.slug, resource.id);
  if (stats.loading && !stats.data) return <Loading />;
  if (!stats.data)
    return <p className="notice notice--error">{stats.error ? errorMessage(stats.error) : t('error.loadFailed')}</p>;
  const columns = stats.data.columns;
  return (
    <div>
      <p className="small muted">{t('data.stats.intro')}</p>
      <ul className="stats-grid">
        {fields.map((f) => {
          const s = columns[f.name];
          return s ? <ColumnCard key={f.name} name={f.name} type={f.type} stats={s} /> : null;
        })}
      </ul>
    </div>
  );
}

function ColumnCard({ name, type, stats }: { name: string; type: string; stats: ColumnStats }) {
  const { t, lang } = useI18n();
  const max = Math.max(1, ...stats.top.map((v) => v.count));
  const headingId = `stats-${name}`;
  return (
    <li className="card stats-card" aria-labelledby={headingId}>
      <h3 id={headingId} className="card__title mono">
        {name} <span className="muted small">({type})</span>
      </h3>
      <dl className="stats-card__facts small">
        <div>
          <dt>{t('data.stats.min')}</dt>
          <dd>{cellText(stats.min) || '—'}</dd>
        </div>
        <div>
          <dt>{t('data.stats.max')}</dt>
          <dd>{cellText(stats.max) || '—'}</dd>
        </div>
        <div>
          <dt>{t('data.stats.nulls')}</dt>
          <dd>{formatNumber(lang, stats.nulls)}</dd>
        </div>
        <div>
          <dt>{t('data.stats.distinct')}</dt>
          <dd>{formatNumber(lang, stats.distinct)}</dd>
        </div>
      </dl>
      {stats.top.length > 0 && (
        <>
          <p className="small stats-card__top">{t('data.stats.top')}</p>
          <ul className="bars" aria-label={t('data.stats.topOf', { name })}>
            {stats.top.map((v, i) => (
              <li key={i} className="bars__row">
                <span className="bars__label" title={cellText(v.value)}>
                  {cellText(v.value) || '—'}
                </span>
                <span className="bars__track" aria-hidden="true">
                  <span className="bars__bar" style={{ width: `${(v.count / max) * 100}%` }} />
                </span>
                <span className="bars__count">{formatNumber(lang, v.count)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </li>
  );
}
