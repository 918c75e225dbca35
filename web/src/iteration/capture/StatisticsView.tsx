import { lazy, Suspense } from 'react';
import { API_BASE } from '../../api/client';
import { useStatistics, type CaptureStats, type StatisticsSource } from '../../api/iteration';
import { useI18n } from '../../i18n/I18nProvider';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { TableWrap } from '../../ui/TableWrap';

const CountLineChart = lazy(() => import('../../ui/CountLineChart'));

type Top = CaptureStats['pages'];

function TopTable({ id, caption, rows }: { id: string; caption: string; rows: Top }) {
  const { t, lang } = useI18n();
  const n = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB');
  return (
    <section className="panel" aria-labelledby={id}>
      <h3 id={id}>{caption}</h3>
      {rows.length === 0 ? (
        <p className="muted">{t('capture.top.empty')}</p>
      ) : (
        <TableWrap label={caption}>
          <table>
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t('capture.top.value')}</th>
                <th scope="col">{t('capture.top.count')}</th>
                <th scope="col">{t('capture.top.visitors')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.value}>
                  <th scope="row">{r.value}</th>
                  <td>{n.format(r.count)}</td>
                  <td>{n.format(r.visitors)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

/** The API path of a source's statistics (JSON; with `format=csv` it downloads them). */
const pathOf = (source: StatisticsSource) =>
  'app' in source
    ? `/capture/stats?app=${encodeURIComponent(source.app)}`
    : `/organizations/${encodeURIComponent(source.organization)}/open-statistics`;

/** A dashboard over captured events: totals, the series as a chart with its table, top lists, CSV export. */
export function StatisticsView({ source }: { source: StatisticsSource }) {
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const res = useStatistics(source);
  const path = pathOf(source);
  const s = res.data;
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const n = new Intl.NumberFormat(locale);
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const hour = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone: 'UTC' });
  if (res.loading && !s) return <Loading />;
  if (res.error || !s) return <p className="notice notice--error">{res.error ? errorMessage(res.error) : ''}</p>;
  const fmt = (iso: string) => (s.grain === 'day' ? day : hour).format(new Date(iso));
  const csvHref = `${API_BASE}${path}${path.includes('?') ? '&' : '?'}format=csv`;
  if (s.totals.events === 0)
    return (
      <div className="empty-state">
        <p>{t('capture.empty')}</p>
      </div>
    );
  const peak = s.series.reduce((m, p) => (p.count > m.count ? p : m), s.series[0]!);
  return (
    <div className="stack">
      <section className="panel" aria-labelledby="capture-totals">
        <h2 id="capture-totals">{t('capture.totals.heading')}</h2>
        <p>
          {t('capture.totals.text', {
            events: n.format(s.totals.events),
            visitors: n.format(s.totals.visitors),
            from: day.format(new Date(s.from)),
            to: day.format(new Date(s.to)),
          })}
        </p>
        <p>
          <a href={csvHref} download>
            {t('capture.csv')}
          </a>
        </p>
      </section>
      <section className="panel" aria-labelledby="capture-series">
        <h2 id="capture-series">{t('capture.series.heading')}</h2>
        <Suspense fallback={<Loading />}>
          <CountLineChart
            xs={s.series.map((p) => fmt(p.time))}
            counts={s.series.map((p) => p.count)}
            labels={{ x: t('capture.series.time'), count: t('capture.series.count') }}
            description={t('capture.series.alt', {
              total: n.format(s.totals.events),
              peak: n.format(peak.count),
              when: fmt(peak.time),
            })}
          />
        </Suspense>
        <details>
          <summary>{t('capture.series.table')}</summary>
          <TableWrap label={t('capture.series.heading')}>
            <table>
              <caption className="visually-hidden">{t('capture.series.heading')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('capture.series.time')}</th>
                  <th scope="col">{t('capture.series.count')}</th>
                </tr>
              </thead>
              <tbody>
                {s.series.map((p) => (
                  <tr key={p.time}>
                    <th scope="row">{fmt(p.time)}</th>
                    <td>{n.format(p.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </details>
      </section>
      <div className="stack">
        <TopTable id="top-events" caption={t('capture.top.events')} rows={s.events} />
        <TopTable id="top-pages" caption={t('capture.top.pages')} rows={s.pages} />
        <TopTable id="top-datasets" caption={t('capture.top.datasets')} rows={s.datasets} />
        <TopTable id="top-referrers" caption={t('capture.top.referrers')} rows={s.referrers} />
        <TopTable id="top-countries" caption={t('capture.top.countries')} rows={s.countries} />
      </div>
    </div>
  );
}
