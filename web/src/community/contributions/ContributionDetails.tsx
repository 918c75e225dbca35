import { Link } from 'react-router-dom';
import type { ContributionView } from '../../api/community';
import { explorerPath } from '../../data/paths';
import { useI18n } from '../../i18n/I18nProvider';
import { StatusBadge } from './StatusBadge';

const person = (p: ContributionView['author']) => (p ? `${p.name || p.handle} (@${p.handle})` : '—');

/** Status, author, dates, data, source, the comment and the reviewer's note. */
export function ContributionDetails({ contribution: c }: { contribution: ContributionView }) {
  const { t, formatDateTime } = useI18n();
  return (
    <>
      {c.suspicious && <p className="notice notice--warning">{t('contrib.page.suspicious')}</p>}
      {c.spam && <p className="notice notice--warning">{t('contrib.page.spam')}</p>}
      <dl className="details">
        <div>
          <dt>{t('contrib.page.status')}</dt>
          <dd>
            <StatusBadge status={c.status} />
          </dd>
        </div>
        <div>
          <dt>{t('contrib.page.author')}</dt>
          <dd>{person(c.author)}</dd>
        </div>
        <div>
          <dt>{t('contrib.page.created')}</dt>
          <dd>
            <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
          </dd>
        </div>
        {c.reviewedAt && (
          <div>
            <dt>{t('contrib.page.reviewer')}</dt>
            <dd>
              {person(c.reviewer)}, <time dateTime={c.reviewedAt}>{formatDateTime(c.reviewedAt)}</time>
            </dd>
          </div>
        )}
        <div>
          <dt>{t('contrib.page.data')}</dt>
          <dd>
            <Link to={explorerPath(c.dataset, c.resourceId)}>{t('contrib.page.openExplorer')}</Link>
          </dd>
        </div>
        {c.source && (
          <div>
            <dt>{t('contrib.page.source')}</dt>
            <dd className="break">
              <a href={c.source} rel="noopener noreferrer nofollow" target="_blank">
                {c.source}
              </a>
            </dd>
          </div>
        )}
      </dl>
      <section aria-labelledby="contrib-comment">
        <h2 id="contrib-comment" className="h3">
          {t('contrib.page.comment')}
        </h2>
        {/* commentHtml is rendered from Markdown and sanitized by the server. */}
        <div className="prose" dangerouslySetInnerHTML={{ __html: c.commentHtml }} />
      </section>
      {c.reviewNote && (
        <section className="notice notice--info" aria-labelledby="contrib-note">
          <h2 id="contrib-note" className="notice__title h3">
            {t('contrib.page.reviewNote')}
          </h2>
          <p className="prewrap">{c.reviewNote}</p>
        </section>
      )}
    </>
  );
}
