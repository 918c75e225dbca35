import { useCommitments } from '../api/ledger';
import type { Schemas } from '../api/schema';
import { useI18n } from '../i18n/I18nProvider';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../ui/Messages';
import { TableWrap } from '../ui/TableWrap';
import { ServiceCommitments } from '../services/ServiceCommitments';

type Commitments = Schemas['Commitments'];
type ReviewMonth = Commitments['platformReviews'][number];

/** Met, missed, or no data: a miss is shown as a miss, and no data is never shown as met. */
function Verdict({ met }: { met: boolean | null }) {
  const { t } = useI18n();
  if (met === null) return <span className="muted">{t('commitments.noData')}</span>;
  return met ? (
    <span className="badge badge--success">{t('commitments.met')}</span>
  ) : (
    <span className="badge badge--warning">{t('commitments.missed')}</span>
  );
}

function useFormat() {
  const { lang } = useI18n();
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  const integer = new Intl.NumberFormat(locale);
  const month = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const duration = (seconds: number | null) => {
    if (seconds === null) return '—';
    const unit = seconds >= 86_400 ? 'day' : seconds >= 3600 ? 'hour' : 'minute';
    const value = seconds / { day: 86_400, hour: 3600, minute: 60 }[unit];
    return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 1 }).format(
      value,
    );
  };
  return {
    percent: (v: number | null) => (v === null ? '—' : percent.format(v)),
    integer: (v: number) => integer.format(v),
    month: (m: string) => month.format(new Date(`${m}-01T00:00:00Z`)),
    duration,
    ms: (v: number | null) =>
      v === null ? '—' : new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond' }).format(v),
  };
}

function ReviewTable({ caption, months, target }: { caption: string; months: ReviewMonth[]; target: boolean }) {
  const { t } = useI18n();
  const f = useFormat();
  return (
    <TableWrap label={caption}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('commitments.month')}</th>
            <th scope="col">{t('commitments.review.reviewed')}</th>
            <th scope="col">{t('commitments.review.median')}</th>
            <th scope="col">{t('commitments.review.p90')}</th>
            {target && <th scope="col">{t('commitments.review.within')}</th>}
            {target && <th scope="col">{t('commitments.verdict')}</th>}
          </tr>
        </thead>
        <tbody>
          {months.map((m) => (
            <tr key={m.month}>
              <th scope="row">{f.month(m.month)}</th>
              <td>{f.integer(m.reviewed)}</td>
              <td>{f.duration(m.medianSeconds)}</td>
              <td>{f.duration(m.p90Seconds)}</td>
              {target && <td>{f.percent(m.withinTargetShare)}</td>}
              {target && (
                <td>
                  <Verdict met={m.met} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function How({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <p className="small">
      <a href={`#${id}`}>{t('commitments.howLink')}</a>
    </p>
  );
}

/** /accountability — the platform's public commitments and what was measured against them. */
export function AccountabilityPage() {
  const { t } = useI18n();
  useDocumentTitle(t('commitments.title'));
  const errorMessage = useErrorMessage();
  const f = useFormat();
  const res = useCommitments();
  const c = res.data;

  return (
    <>
      <div className="page-heading">
        <h1>{t('commitments.heading')}</h1>
        <p className="lead">{t('commitments.lead')}</p>
      </div>
      {res.loading && !c ? (
        <Loading />
      ) : res.error || !c ? (
        <p className="notice notice--error">{res.error ? errorMessage(res.error) : ''}</p>
      ) : (
        <div className="stack">
          <section className="panel" aria-labelledby="api-heading">
            <h2 id="api-heading">{t('commitments.api.heading')}</h2>
            <p>
              {t('commitments.api.targets', {
                availability: f.percent(c.targets.apiAvailability),
                p95: f.ms(c.targets.apiP95Ms),
              })}
            </p>
            <TableWrap label={t('commitments.api.heading')}>
              <table>
                <caption className="visually-hidden">{t('commitments.api.heading')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('commitments.month')}</th>
                    <th scope="col">{t('commitments.api.calls')}</th>
                    <th scope="col">{t('commitments.api.availability')}</th>
                    <th scope="col">{t('commitments.verdict')}</th>
                    <th scope="col">{t('commitments.api.p95')}</th>
                    <th scope="col">{t('commitments.verdict')}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.api.map((a) => (
                    <tr key={a.month}>
                      <th scope="row">{f.month(a.month)}</th>
                      <td>{f.integer(a.calls)}</td>
                      <td>{f.percent(a.availability)}</td>
                      <td>
                        <Verdict met={a.availabilityMet} />
                      </td>
                      <td>{f.ms(a.p95Ms)}</td>
                      <td>
                        <Verdict met={a.p95Met} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <How id="how-api" />
          </section>

          <section className="panel" aria-labelledby="webhooks-heading">
            <h2 id="webhooks-heading">{t('commitments.webhooks.heading')}</h2>
            <p>
              {t('commitments.webhooks.figure', {
                days: c.webhooks.days,
                share: f.percent(c.webhooks.successShare),
                delivered: f.integer(c.webhooks.delivered),
                failed: f.integer(c.webhooks.failed),
                target: f.percent(c.targets.webhookSuccess),
              })}{' '}
              <Verdict met={c.webhooks.met} />
            </p>
            <How id="how-webhooks" />
          </section>

          <section className="panel" aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">{t('commitments.review.heading')}</h2>
            <p>{t('commitments.review.lead', { share: f.percent(c.targets.reviewShareWithinTarget) })}</p>
            <h3>{t('commitments.review.platform')}</h3>
            <ReviewTable caption={t('commitments.review.platform')} months={c.platformReviews} target={false} />
            {c.organizations.length === 0 ? (
              <p className="empty-state">{t('commitments.review.noOrganization')}</p>
            ) : (
              c.organizations.map((o) => (
                <div key={o.organization?.slug}>
                  <h3>
                    {o.organization?.name} —{' '}
                    {o.targetDays === null
                      ? t('commitments.review.noTarget')
                      : t('commitments.review.target', { count: o.targetDays })}
                  </h3>
                  <ReviewTable caption={o.organization?.name ?? ''} months={o.months} target={o.targetDays !== null} />
                </div>
              ))
            )}
            <How id="how-reviews" />
          </section>

          <ServiceCommitments services={c.services} />

          <section className="panel" aria-labelledby="personal-heading">
            <h2 id="personal-heading">{t('commitments.personal.heading')}</h2>
            {c.personalData.items.length === 0 ? (
              <p className="empty-state">{t('commitments.personal.empty')}</p>
            ) : (
              <TableWrap label={t('commitments.personal.heading')}>
                <table>
                  <caption className="visually-hidden">{t('commitments.personal.heading')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('commitments.personal.organization')}</th>
                      <th scope="col">{t('commitments.personal.purpose')}</th>
                      <th scope="col">{t('commitments.personal.count')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.personalData.items.map((p) => (
                      <tr key={`${p.organization?.slug ?? ''}/${p.purpose}`}>
                        <td>{p.organization?.name ?? t('commitments.personal.platform')}</td>
                        <td>{p.purpose}</td>
                        <td>{f.integer(p.count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
            <How id="how-personal" />
          </section>

          <section className="panel" aria-labelledby="how-heading">
            <h2 id="how-heading">{t('commitments.how.heading')}</h2>
            <dl>
              <dt id="how-api">{t('commitments.api.heading')}</dt>
              <dd>{t('commitments.how.api')}</dd>
              <dt id="how-webhooks">{t('commitments.webhooks.heading')}</dt>
              <dd>{t('commitments.how.webhooks')}</dd>
              <dt id="how-reviews">{t('commitments.review.heading')}</dt>
              <dd>{t('commitments.how.reviews')}</dd>
              <dt id="how-personal">{t('commitments.personal.heading')}</dt>
              <dd>{t('commitments.how.personal')}</dd>
            </dl>
          </section>
        </div>
      )}
    </>
  );
}
