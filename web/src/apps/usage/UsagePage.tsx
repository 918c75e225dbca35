import { lazy, Suspense, useId, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useAppUsage } from '../../api/developers';
import { formatNumber } from '../../data/format';
import { useI18n } from '../../i18n/I18nProvider';
import type { Lang } from '../../i18n/lang';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { TableWrap } from '../../ui/TableWrap';

const UsageChart = lazy(() => import('./UsageChart'));

const RANGES = [7, 30, 90] as const;
const DAY_MS = 86_400_000;
const dayString = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function percent(lang: Lang, rate: number) {
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(rate);
}

function Ms({ value }: { value: number | null }) {
  const { lang } = useI18n();
  return <>{value === null ? '—' : `${formatNumber(lang, value)} ms`}</>;
}

/** What to do when the app has made no call yet: a first call, ready to copy. */
function FirstCall({ id }: { id: string }) {
  const { t } = useI18n();
  const example = `curl -H "Authorization: Bearer mtk_…" ${window.location.origin}/api/v1/datasets`;
  return (
    <section aria-labelledby="usage-empty-heading" className="panel usage-empty">
      <h2 id="usage-empty-heading">{t('usage.empty.heading')}</h2>
      <p>{t('usage.empty.body')}</p>
      <ol>
        <li>
          <Link to={`/developers/apps/${encodeURIComponent(id)}`}>{t('usage.empty.step1')}</Link>
        </li>
        <li>
          {t('usage.empty.step2')}
          <pre className="code" tabIndex={0} aria-label={t('usage.empty.codeLabel')}>
            <code>{example}</code>
          </pre>
        </li>
        <li>{t('usage.empty.step3')}</li>
      </ol>
      <p>
        <Link to="/developers">{t('usage.empty.portal')}</Link>
      </p>
    </section>
  );
}

function Usage({ id }: { id: string }) {
  const { t, lang, formatDate } = useI18n();
  const errorMessage = useErrorMessage();
  const rangeId = useId();
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const now = Date.now();
  const to = dayString(now);
  const from = dayString(now - (days - 1) * DAY_MS);
  const usage = useAppUsage(id, { from, to });
  const data = usage.data;
  useDocumentTitle(data ? t('usage.title', { name: data.app.name }) : t('usage.heading'));

  if (usage.loading && !data) return <Loading />;
  if (usage.error || !data)
    return <p className="notice notice--error">{usage.error ? errorMessage(usage.error) : t('error.generic')}</p>;

  const { totals } = data;
  const dayLabel = (d: string) => formatDate(`${d}T12:00:00Z`);
  const series = {
    labels: data.days.map((d) => dayLabel(d.day)),
    ok: data.days.map((d) => d.calls - d.clientErrors - d.serverErrors),
    clientErrors: data.days.map((d) => d.clientErrors),
    serverErrors: data.days.map((d) => d.serverErrors),
  };
  const busiest = data.days.reduce((a, b) => (b.calls > a.calls ? b : a), data.days[0]!);

  return (
    <>
      <div className="page-heading">
        <p>
          <Link to={`/developers/apps/${encodeURIComponent(id)}`}>{t('usage.back', { name: data.app.name })}</Link>
        </p>
        <h1>{t('usage.title', { name: data.app.name })}</h1>
        <p className="lead">{t('usage.lead', { plan: data.app.plan })}</p>
      </div>
      <div className="usage-range">
        <label htmlFor={rangeId}>{t('usage.range')}</label>
        <select id={rangeId} value={days} onChange={(e) => setDays(Number(e.target.value) as (typeof RANGES)[number])}>
          {RANGES.map((r) => (
            <option key={r} value={r}>
              {t('usage.range.days', { days: r })}
            </option>
          ))}
        </select>
      </div>
      {totals.calls === 0 ? (
        <FirstCall id={id} />
      ) : (
        <div className="stack">
          <section aria-labelledby="usage-summary-heading" className="panel">
            <h2 id="usage-summary-heading">{t('usage.summary')}</h2>
            <dl className="usage-figures">
              <div>
                <dt>{t('usage.calls')}</dt>
                <dd>{formatNumber(lang, totals.calls)}</dd>
              </div>
              <div>
                <dt>{t('usage.errorRate')}</dt>
                <dd>{percent(lang, totals.errorRate)}</dd>
              </div>
              <div>
                <dt>{t('usage.clientErrors')}</dt>
                <dd>{formatNumber(lang, totals.clientErrors)}</dd>
              </div>
              <div>
                <dt>{t('usage.serverErrors')}</dt>
                <dd>{formatNumber(lang, totals.serverErrors)}</dd>
              </div>
              <div>
                <dt>p50</dt>
                <dd>
                  <Ms value={totals.latencyMs.p50} />
                </dd>
              </div>
              <div>
                <dt>p95</dt>
                <dd>
                  <Ms value={totals.latencyMs.p95} />
                </dd>
              </div>
              <div>
                <dt>p99</dt>
                <dd>
                  <Ms value={totals.latencyMs.p99} />
                </dd>
              </div>
            </dl>
          </section>

          <section aria-labelledby="usage-days-heading" className="panel">
            <h2 id="usage-days-heading">{t('usage.perDay')}</h2>
            <Suspense fallback={<Loading />}>
              <UsageChart
                series={series}
                labels={{
                  ok: t('usage.ok'),
                  clientErrors: t('usage.clientErrors'),
                  serverErrors: t('usage.serverErrors'),
                  day: t('usage.day'),
                  calls: t('usage.calls'),
                }}
                description={t('usage.chartDescription', {
                  days: data.days.length,
                  calls: formatNumber(lang, totals.calls),
                  busiest: dayLabel(busiest.day),
                  most: formatNumber(lang, busiest.calls),
                })}
              />
            </Suspense>
            <details className="usage-table-toggle">
              <summary>{t('usage.asTable')}</summary>
              <TableWrap label={t('usage.perDay')}>
                <table>
                  <caption className="visually-hidden">{t('usage.perDay')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('usage.day')}</th>
                      <th scope="col" className="num">
                        {t('usage.calls')}
                      </th>
                      <th scope="col" className="num">
                        {t('usage.clientErrors')}
                      </th>
                      <th scope="col" className="num">
                        {t('usage.serverErrors')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.days.map((d) => (
                      <tr key={d.day}>
                        <th scope="row">
                          <time dateTime={d.day}>{dayLabel(d.day)}</time>
                        </th>
                        <td className="num">{formatNumber(lang, d.calls)}</td>
                        <td className="num">{formatNumber(lang, d.clientErrors)}</td>
                        <td className="num">{formatNumber(lang, d.serverErrors)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            </details>
          </section>

          <section aria-labelledby="usage-endpoints-heading" className="panel">
            <h2 id="usage-endpoints-heading">{t('usage.endpoints')}</h2>
            <TableWrap label={t('usage.endpoints')}>
              <table>
                <caption className="visually-hidden">{t('usage.endpoints')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('usage.endpoint')}</th>
                    <th scope="col" className="num">
                      {t('usage.calls')}
                    </th>
                    <th scope="col" className="num">
                      {t('usage.errorRate')}
                    </th>
                    <th scope="col" className="num">
                      p50
                    </th>
                    <th scope="col" className="num">
                      p95
                    </th>
                    <th scope="col" className="num">
                      p99
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.endpoints.map((e) => (
                    <tr key={e.endpoint}>
                      <th scope="row">
                        <code>
                          {e.method} {e.route}
                        </code>
                      </th>
                      <td className="num">{formatNumber(lang, e.calls)}</td>
                      <td className="num">{percent(lang, e.errorRate)}</td>
                      <td className="num">
                        <Ms value={e.latencyMs.p50} />
                      </td>
                      <td className="num">
                        <Ms value={e.latencyMs.p95} />
                      </td>
                      <td className="num">
                        <Ms value={e.latencyMs.p99} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <p className="muted">{t('usage.latencyNote')}</p>
          </section>

          <section aria-labelledby="usage-datasets-heading" className="panel">
            <h2 id="usage-datasets-heading">{t('usage.datasets')}</h2>
            {data.datasets.length === 0 ? (
              <p className="empty-state">{t('usage.datasets.empty')}</p>
            ) : (
              <ol className="usage-datasets">
                {data.datasets.map((d) => (
                  <li key={d.slug}>
                    <Link to={`/datasets/${encodeURIComponent(d.slug)}`}>{d.slug}</Link>{' '}
                    <span className="muted">{t('usage.datasets.calls', { calls: formatNumber(lang, d.calls) })}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
      )}
    </>
  );
}

/** /developers/apps/:id/usage — an app's calls per day, per endpoint, latencies and datasets consumed. */
export function UsagePage() {
  const { id = '' } = useParams();
  return <RequireUser>{() => <Usage id={id} />}</RequireUser>;
}
