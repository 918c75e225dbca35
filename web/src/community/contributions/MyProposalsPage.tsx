import { useState } from 'react';
import { Link } from 'react-router-dom';
import { seg } from '../../api/client';
import { useContributions, type ContributionStatus } from '../../api/community';
import type { User } from '../../api/platform';
import { cursorFromNext } from '../../data/paths';
import type { MessageKey } from '../../i18n/en';
import { useI18n } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { ErrorAlert, Loading } from '../../ui/Messages';
import { ChangePreviewList } from './ChangePreviewList';
import { contributionPath } from './paths';
import { StatusBadge } from './StatusBadge';

const FILTERS = ['', 'pending', 'changes_requested', 'accepted', 'rejected'] as const;

/** /proposals — the signed-in contributor's proposals, newest first, with their status and outcome. */
export function MyProposalsPage() {
  const { t } = useI18n();
  useDocumentTitle(t('contrib.mine.title'));
  return <RequireUser>{(user) => <MyProposals user={user} />}</RequireUser>;
}

function MyProposals({ user }: { user: User }) {
  const { t, formatDateTime } = useI18n();
  const [status, setStatus] = useState<(typeof FILTERS)[number]>('');
  const [cursor, setCursor] = useState<string | null>(null);
  const page = useContributions({
    author: user.handle,
    _sort: '-created',
    _limit: 20,
    ...(status ? { status } : {}),
    ...(cursor ? { _cursor: cursor } : {}),
  });
  const next = cursorFromNext(page.data?.next);
  const items = page.data?.items ?? [];

  const outcome = (s: ContributionStatus, reviewer: string | null, at: string | null) => {
    if (s === 'pending') return t('contrib.mine.waiting');
    if (s === 'withdrawn') return t('contrib.mine.withdrawn');
    return t(`contrib.mine.outcome.${s}` as MessageKey, {
      reviewer: reviewer ? `@${reviewer}` : t('contrib.mine.someone'),
      date: formatDateTime(at),
    });
  };

  return (
    <div className="my-proposals">
      <div className="page-heading">
        <h1>{t('contrib.mine.title')}</h1>
        <p className="muted">{t('contrib.mine.intro')}</p>
      </div>
      <div className="actions" role="group" aria-label={t('contrib.mine.filter')}>
        {FILTERS.map((f) => (
          <button
            key={f || 'all'}
            type="button"
            className="button button--small button--secondary"
            aria-pressed={status === f}
            onClick={() => {
              setStatus(f);
              setCursor(null);
            }}
          >
            {f ? t(`contrib.status.${f}` as MessageKey) : t('contrib.mine.all')}
          </button>
        ))}
      </div>
      <ErrorAlert error={page.error} />
      {page.loading && !page.data ? (
        <Loading />
      ) : !items.length ? (
        <div className="empty-state">
          <p>{status ? t('contrib.mine.emptyFiltered') : t('contrib.mine.empty')}</p>
          <p>
            <Link to="/datasets">{t('contrib.mine.browse')}</Link>
          </p>
        </div>
      ) : (
        <ol className="card-list">
          {items.map((c) => (
            <li key={c.id} className="card">
              <h2 className="card__title h3">
                <Link to={contributionPath(c.id)}>
                  {t('contrib.mine.item', { dataset: c.dataset, count: c.changeCount })}
                </Link>
              </h2>
              <p className="small muted">
                <StatusBadge status={c.status} /> <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
                {' · '}
                {outcome(c.status, c.reviewer?.handle ?? null, c.reviewedAt)}
                {c.overdue && (
                  <>
                    {' '}
                    <span className="badge badge--warning">{t('contrib.overdue')}</span>
                  </>
                )}
              </p>
              <ChangePreviewList preview={c.preview} total={c.changeCount} />
              <p className="small">
                <Link to={`/datasets/${seg(c.dataset)}`}>{t('contrib.mine.dataset')}</Link>
              </p>
            </li>
          ))}
        </ol>
      )}
      {(cursor || next) && (
        <div className="actions">
          {cursor && (
            <button type="button" className="button button--small button--secondary" onClick={() => setCursor(null)}>
              {t('contrib.mine.first')}
            </button>
          )}
          {next && (
            <button type="button" className="button button--small" onClick={() => setCursor(next)}>
              {t('contrib.mine.next')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
