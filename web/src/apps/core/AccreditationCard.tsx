import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Accreditation } from '../../api/developers';
import { useI18n } from '../../i18n/I18nProvider';

/** One accreditation request: status, scopes, the applicant's answers and the last review. */
export function AccreditationCard({
  accreditation: a,
  headingLevel = 3,
  children,
  showApp = false,
}: {
  accreditation: Accreditation;
  headingLevel?: 2 | 3;
  children?: ReactNode;
  showApp?: boolean;
}) {
  const { t, formatDate } = useI18n();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <article className="card accreditation-card" aria-labelledby={`acc-${a.id}`}>
      <Heading id={`acc-${a.id}`} className="card__title">
        {showApp ? a.app.name : t('dev.acc.for', { name: a.organization.name })}{' '}
        <span className={`status-pill acc-status--${a.status}`}>{t(`dev.acc.status.${a.status}`)}</span>
      </Heading>
      <p className="small muted">
        {showApp ? (
          t('dev.acc.requestedBy', { handle: a.requestedBy.handle, date: formatDate(a.createdAt) })
        ) : (
          <Link to={`/organizations/${encodeURIComponent(a.organization.slug)}`}>{a.organization.name}</Link>
        )}
        {' · '}
        {t('dev.acc.updated', { date: formatDate(a.updatedAt) })}
      </p>
      <dl className="details">
        <div>
          <dt>{t('dev.acc.scopes')}</dt>
          <dd>
            {a.scopes.map((s) => (
              <code key={s} className="tag">
                {s}
              </code>
            ))}
          </dd>
        </div>
        <div>
          <dt>{t('dev.acc.purpose')}</dt>
          <dd className="prewrap">{a.purpose}</dd>
        </div>
        <div>
          <dt>{t('dev.acc.legalBasis')}</dt>
          <dd className="prewrap">{a.legalBasis}</dd>
        </div>
        <div>
          <dt>{t('dev.acc.retention')}</dt>
          <dd className="prewrap">{a.retention}</dd>
        </div>
        <div>
          <dt>{t('dev.acc.dpo')}</dt>
          <dd>
            {a.dpo.name} — <a href={`mailto:${a.dpo.email}`}>{a.dpo.email}</a>
          </dd>
        </div>
        {a.reviewedBy && (
          <div>
            <dt>{t('dev.acc.review')}</dt>
            <dd>
              {t('dev.acc.reviewedBy', { handle: a.reviewedBy.handle, date: formatDate(a.reviewedAt) })}
              {a.reviewComment && <blockquote className="prewrap">{a.reviewComment}</blockquote>}
            </dd>
          </div>
        )}
      </dl>
      {children}
    </article>
  );
}
