import { Link } from 'react-router-dom';
import { useReuseStats } from '../../api/reuses';
import { formatNumber } from '../../data/format';
import { useI18n } from '../../i18n/I18nProvider';

/** The public "most used reuses" ranking as bars (views and API calls stacked), each bar also told in words. */
export function MostUsedReuses({ days = 30, limit = 5 }: { days?: number; limit?: number }) {
  const { t, lang } = useI18n();
  const stats = useReuseStats(days, limit);
  if (!stats.data) return null;
  const items = stats.data.items.filter((i) => i.score > 0);
  const top = Math.max(1, ...items.map((i) => i.score));
  return (
    <section aria-labelledby="most-used-heading" className="panel most-used">
      <h2 id="most-used-heading">{t('reuses.stats.heading')}</h2>
      <p className="muted small">{t('reuses.stats.lead', { days: String(stats.data.days) })}</p>
      {items.length === 0 ? (
        <p className="empty-state">{t('reuses.stats.empty')}</p>
      ) : (
        <>
          <ol className="usage-ranking">
            {items.map(({ reuse, views, apiCalls, score }) => (
              <li key={reuse.id}>
                <div className="usage-ranking__label">
                  <Link to={`/reuses/${encodeURIComponent(reuse.slug)}`}>{reuse.title}</Link>
                  <span className="visually-hidden">
                    {t('reuses.stats.row', { title: reuse.title, views: String(views), calls: String(apiCalls) })}
                  </span>
                  <span aria-hidden="true" className="muted">
                    {formatNumber(lang, score)}
                  </span>
                </div>
                <div className="usage-ranking__bar" aria-hidden="true">
                  <span className="usage-ranking__views" style={{ width: `${(views / top) * 100}%` }} />
                  <span className="usage-ranking__calls" style={{ width: `${(apiCalls / top) * 100}%` }} />
                </div>
              </li>
            ))}
          </ol>
          <p className="usage-ranking__legend" aria-hidden="true">
            <span>
              <span className="usage-ranking__swatch usage-ranking__views" />
              {t('reuses.stats.views')}
            </span>
            <span>
              <span className="usage-ranking__swatch usage-ranking__calls" />
              {t('reuses.stats.calls')}
            </span>
          </p>
        </>
      )}
    </section>
  );
}
