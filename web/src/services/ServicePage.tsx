import { Link, useParams } from 'react-router-dom';
import { useService, useServicePerformance } from '../api/services';
import { useI18n } from '../i18n/I18nProvider';
import { useSession } from '../session/SessionProvider';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../ui/Messages';
import { signInPath } from '../ui/navigation';
import { TableWrap } from '../ui/TableWrap';
import { RequestForm } from './RequestForm';

function useFormat() {
  const { lang } = useI18n();
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const hours = new Intl.NumberFormat(locale, { style: 'unit', unit: 'hour', maximumFractionDigits: 1 });
  const month = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  return {
    percent: (v: number | null) => (v === null ? '—' : percent.format(v)),
    hours: (v: number | null) => (v === null ? '—' : hours.format(v)),
    month: (m: string) => month.format(new Date(`${m}-01T00:00:00Z`)),
    date: (d: string) => date.format(new Date(d)),
  };
}

function Verdict({ met }: { met: boolean | null }) {
  const { t } = useI18n();
  if (met === null) return <span className="muted">{t('commitments.noData')}</span>;
  return met ? (
    <span className="badge badge--success">{t('commitments.met')}</span>
  ) : (
    <span className="badge badge--warning">{t('commitments.missed')}</span>
  );
}

/** Per operator, the last six months against the objectives: a miss shows as a miss. */
function PerformanceSection({ code }: { code: string }) {
  const { t } = useI18n();
  const f = useFormat();
  const perf = useServicePerformance(code);
  if (!perf.data) return perf.loading ? <Loading /> : null;
  const months = perf.data.months.slice(-6);
  const steps = perf.data.objectives.steps;
  return (
    <section aria-labelledby="performance" id="performance">
      <h2 id="performance">{t('services.performance.heading')}</h2>
      <p className="muted">{t('services.performance.intro', { share: f.percent(perf.data.objectives.targetShare) })}</p>
      {perf.data.operators.length === 0 && <p>{t('services.performance.empty')}</p>}
      {perf.data.operators.map((op) => {
        const caption = t('services.performance.of', { name: op.organization.name });
        return (
          <TableWrap key={op.operatorId ?? 'organization'} label={caption}>
            <table>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('commitments.month')}</th>
                  <th scope="col">{t('services.performance.received')}</th>
                  <th scope="col">{t('services.performance.ackWithin')}</th>
                  <th scope="col">{t('services.performance.resolvedWithin')}</th>
                  <th scope="col">{t('services.performance.medianResolve')}</th>
                  {steps.map((s) => (
                    <th scope="col" key={s.code}>
                      {t('services.performance.stepWithin', { step: s.title, hours: s.objectiveHours })}
                    </th>
                  ))}
                  <th scope="col">{t('services.performance.backlog')}</th>
                  <th scope="col">{t('services.performance.satisfaction')}</th>
                  <th scope="col">{t('commitments.verdict')}</th>
                </tr>
              </thead>
              <tbody>
                {op.months
                  .filter((m) => months.includes(m.month))
                  .map((m) => (
                    <tr key={m.month}>
                      <th scope="row">{f.month(m.month)}</th>
                      <td>{m.received}</td>
                      <td>{f.percent(m.acknowledgedWithinShare)}</td>
                      <td>{f.percent(m.resolvedWithinShare)}</td>
                      <td>{f.hours(m.medianResolveHours)}</td>
                      {steps.map((s) => {
                        const figure = m.steps.find((x) => x.code === s.code);
                        return (
                          <td key={s.code}>
                            {figure && figure.entered > 0
                              ? t('services.performance.stepCell', {
                                  share: f.percent(figure.withinShare),
                                  median: f.hours(figure.medianHours),
                                })
                              : '—'}
                          </td>
                        );
                      })}
                      <td>{m.backlog}</td>
                      <td>{m.satisfaction === null ? '—' : `${m.satisfaction} / 5`}</td>
                      <td>
                        <Verdict met={m.met} />
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </TableWrap>
        );
      })}
    </section>
  );
}

/** /services/:code — what the service is, who runs it where since when, its objectives, the form, the figures. */
export function ServicePage() {
  const { code = '' } = useParams();
  const { t } = useI18n();
  const f = useFormat();
  const { user } = useSession();
  const errorMessage = useErrorMessage();
  const service = useService(code);
  useDocumentTitle(service.data?.title ?? t('services.list.title'));
  if (service.loading && !service.data) return <Loading />;
  if (service.error || !service.data)
    return <p className="notice notice--error">{service.error ? errorMessage(service.error) : ''}</p>;
  const s = service.data;
  const current = s.operators.filter((o) => o.current);
  return (
    <>
      <div className="page-heading">
        <h1>{s.title}</h1>
        <p className="muted">
          <Link to={`/organizations/${s.organization.slug}`}>{s.organization.name}</Link> ·{' '}
          {t('services.objectives', { ack: s.acknowledgeHours, resolve: s.resolveHours })}
        </p>
        {s.can.includes('manage') && (
          <p>
            <Link to={`/services/${s.code}/manage`}>{t('services.manageLink')}</Link>
          </p>
        )}
      </div>
      {s.description && <p>{s.description}</p>}
      {s.eligibility && (
        <p>
          <strong>{t('services.eligibility')}</strong> {s.eligibility}
        </p>
      )}
      {s.steps.length > 0 && (
        <section aria-labelledby="steps">
          <h2 id="steps">{t('services.steps')}</h2>
          <ol>
            {s.steps.map((step) => (
              <li key={step.code}>
                {step.title}
                {step.objectiveHours !== null && (
                  <span className="muted"> — {t('services.stepObjective', { hours: step.objectiveHours })}</span>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
      <section aria-labelledby="operators">
        <h2 id="operators">{t('services.operators.heading')}</h2>
        {current.length === 0 ? (
          <p>{t('services.operators.none', { name: s.organization.name })}</p>
        ) : (
          <TableWrap label={t('services.operators.heading')}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('services.operators.operator')}</th>
                  <th scope="col">{t('services.operators.territory')}</th>
                  <th scope="col">{t('services.operators.since')}</th>
                  <th scope="col">{t('services.operators.conditions')}</th>
                </tr>
              </thead>
              <tbody>
                {current.map((o) => (
                  <tr key={o.id}>
                    <th scope="row">
                      <Link to={`/organizations/${o.organization.slug}`}>{o.organization.name}</Link>
                    </th>
                    <td>
                      {[
                        ...o.territory.codes,
                        ...(o.territory.bbox ? [t('services.operators.box')] : []),
                        ...(o.share ? [t('services.operators.share', { share: o.share })] : []),
                      ].join(', ') || '—'}
                    </td>
                    <td>
                      {f.date(o.startsOn)}
                      {o.endsOn && ` → ${f.date(o.endsOn)}`}
                    </td>
                    <td>{o.conditions || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
      {user ? (
        s.can.includes('request') ? (
          <RequestForm service={s} />
        ) : (
          <p>{t('services.request.membersOnly')}</p>
        )
      ) : (
        <p>
          <Link to={signInPath(`/services/${s.code}`)}>{t('services.request.signIn')}</Link>
        </p>
      )}
      <PerformanceSection code={s.code} />
    </>
  );
}
