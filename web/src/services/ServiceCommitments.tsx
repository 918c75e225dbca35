import { Link } from 'react-router-dom';
import type { Schemas } from '../api/schema';
import { useI18n } from '../i18n/I18nProvider';
import { TableWrap } from '../ui/TableWrap';

type ServiceFigures = Schemas['Commitments']['services'];

/** On /accountability: each delegated service's operators, month by month, against the service's objectives. */
export function ServiceCommitments({ services }: { services: ServiceFigures }) {
  const { t, lang } = useI18n();
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const month = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const share = (v: number | null) => (v === null ? '—' : percent.format(v));
  return (
    <section className="panel" aria-labelledby="services-commitments">
      <h2 id="services-commitments">{t('services.commitments.heading')}</h2>
      {services.length === 0 ? (
        <p className="empty-state">{t('services.commitments.empty')}</p>
      ) : (
        services.map((s) => {
          const months = s.operators[0]?.months.map((m) => m.month).slice(-3) ?? [];
          const caption = t('services.commitments.caption', {
            service: s.service.title,
            ack: s.objectives.acknowledgeHours,
            resolve: s.objectives.resolveHours,
          });
          return (
            <TableWrap key={s.service.code} label={caption}>
              <table>
                <caption>
                  <Link to={`/services/${s.service.code}`}>{s.service.title}</Link> — {caption}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('services.operators.operator')}</th>
                    {months.map((m) => (
                      <th scope="col" key={m}>
                        {month.format(new Date(`${m}-01T00:00:00Z`))}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {s.operators.map((o) => (
                    <tr key={o.organization?.slug ?? 'organization'}>
                      <th scope="row">{o.organization?.name ?? s.organization?.name ?? ''}</th>
                      {o.months
                        .filter((m) => months.includes(m.month))
                        .map((m) => (
                          <td key={m.month}>
                            {m.met === null ? (
                              <span className="muted">{t('commitments.noData')}</span>
                            ) : (
                              <span className={m.met ? 'badge badge--success' : 'badge badge--warning'}>
                                {m.met ? t('commitments.met') : t('commitments.missed')}
                              </span>
                            )}{' '}
                            {t('services.commitments.cell', {
                              received: m.received,
                              ack: share(m.acknowledgedWithinShare),
                              resolved: share(m.resolvedWithinShare),
                            })}
                          </td>
                        ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          );
        })
      )}
    </section>
  );
}
