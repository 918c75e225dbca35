import type { Ref } from 'react';
import { Link } from 'react-router-dom';
import type { ContributionView } from '../../api/community';
import { useI18n } from '../../i18n/I18nProvider';
import { ChangePreviewList } from './ChangePreviewList';
import { DiffList } from './DiffList';
import { contributionPath } from './paths';
import { ReviewActions, type ReviewHandle } from './ReviewActions';
import { StatusBadge } from './StatusBadge';

const PREVIEW = 3;

interface Props {
  contribution: ContributionView;
  current: boolean;
  position: { n: number; total: number };
  onSelect: () => void;
  onDone: (updated: ContributionView, message: string) => void;
  review?: Ref<ReviewHandle>;
}

/** One queued proposal: summary, compact diff; the current one also shows the review actions. */
export function QueueItem({ contribution: c, current, position, onSelect, onDone, review }: Props) {
  const { t, formatDateTime } = useI18n();
  const author = c.author ? `@${c.author.handle}` : t('contrib.byUnknown');
  return (
    <li
      className={`queue-item card${current ? ' queue-item--current' : ''}`}
      aria-current={current ? 'true' : undefined}
      tabIndex={-1}
      data-queue-id={c.id}
      onFocus={(e) => {
        if (e.target === e.currentTarget) onSelect();
      }}
    >
      <p className="visually-hidden">{t('contrib.queue.position', position)}</p>
      <h2 className="card__title h3">
        <Link to={contributionPath(c.id)} onFocus={onSelect}>
          {t('contrib.queue.item', { dataset: c.dataset, count: c.changeCount, author })}
        </Link>
      </h2>
      <p className="small muted">
        <StatusBadge status={c.status} /> <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
        {c.overdue && (
          <>
            {' '}
            <span className="badge badge--warning">{t('contrib.overdue')}</span>
          </>
        )}
        {c.reviewDueAt && !c.overdue && <> · {t('contrib.dueBy', { date: formatDateTime(c.reviewDueAt) })}</>}
        {c.conflicts.length > 0 && (
          <>
            {' '}
            · <strong>⚠ {t('contrib.diff.conflict')}</strong>
          </>
        )}
      </p>
      <div className="prose small" dangerouslySetInnerHTML={{ __html: c.commentHtml }} />
      {/* Every card reads at a glance (row labels, before → after); the one under review shows the full diff. */}
      {current ? (
        <>
          <DiffList diff={c.diff} selectable={false} selected={[]} onSelect={() => undefined} limit={PREVIEW} />
          {c.diff.length > PREVIEW && (
            <p className="small muted">{t('contrib.diff.more', { count: c.diff.length - PREVIEW })}</p>
          )}
        </>
      ) : (
        <ChangePreviewList preview={c.preview} total={c.changeCount} />
      )}
      {current && c.viewerCanReview ? (
        <ReviewActions ref={review} contribution={c} selected={[]} onDone={onDone} />
      ) : c.viewerCanReview ? (
        <button type="button" className="button button--small button--secondary" onClick={onSelect}>
          {t('contrib.queue.current')}
        </button>
      ) : null}
    </li>
  );
}
