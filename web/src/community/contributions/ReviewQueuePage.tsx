import { useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { ContributionView } from '../../api/community';
import { useT } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { ErrorAlert, Loading, StatusMessage } from '../../ui/Messages';
import { QueueItem } from './QueueItem';
import type { ReviewHandle } from './ReviewActions';
import { ShortcutsDialog } from './ShortcutsDialog';
import { useReviewQueue } from './useReviewQueue';
import { useReviewShortcuts } from './useReviewShortcuts';

/** /review — pending proposals the user can review, with keyboard shortcuts. */
export function ReviewQueuePage() {
  const t = useT();
  useDocumentTitle(t('contrib.queue.title'));
  return <RequireUser>{() => <ReviewQueue />}</RequireUser>;
}

function ReviewQueue() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const dataset = params.get('dataset') ?? '';
  const newest = params.get('order') === 'newest';
  const overdue = params.get('view') === 'overdue';
  const queue = useReviewQueue(dataset, newest, overdue);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const [filter, setFilter] = useState(dataset);
  const review = useRef<ReviewHandle>(null);
  const index = Math.max(
    0,
    queue.items.findIndex((c) => c.id === currentId),
  );
  const current = queue.items[index];

  const focusItem = (id: string | undefined) => {
    if (!id) return;
    setCurrentId(id);
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-queue-id="${CSS.escape(id)}"]`)?.focus());
  };
  const move = (delta: number) => {
    const next = queue.items[Math.min(queue.items.length - 1, Math.max(0, index + delta))];
    focusItem(next?.id);
  };
  const { help, setHelp } = useReviewShortcuts(review, move);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const onFilter = (e: FormEvent) => {
    e.preventDefault();
    setParam('dataset', filter.trim());
  };
  const onDone = (updated: ContributionView, message: string) => {
    const after = queue.items[index + 1] ?? queue.items[index - 1];
    queue.remove(updated.id);
    setAnnounce(message);
    if (after) focusItem(after.id);
  };

  return (
    <div className="review-queue">
      <div className="page-heading">
        <h1>{t('contrib.queue.title')}</h1>
        <p className="muted">{overdue ? t('contrib.queue.overdueIntro') : t('contrib.queue.intro')}</p>
      </div>
      <div className="actions" role="group" aria-label={t('contrib.queue.tabs')}>
        <button
          type="button"
          className="button button--small button--secondary"
          aria-pressed={!overdue}
          onClick={() => setParam('view', '')}
        >
          {t('contrib.queue.toReview')}
        </button>
        <button
          type="button"
          className="button button--small button--secondary"
          aria-pressed={overdue}
          onClick={() => setParam('view', 'overdue')}
        >
          {t('contrib.queue.overdue')}
        </button>
        <Link className="button button--small button--secondary" to="/proposals">
          {t('contrib.mine.title')}
        </Link>
      </div>
      <div className="queue-tools">
        <form className="inline-form" role="search" onSubmit={onFilter}>
          <div className="field field--compact">
            <label htmlFor="queue-dataset">{t('contrib.queue.dataset')}</label>
            <input id="queue-dataset" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </div>
          <button type="submit" className="button button--small">
            {t('contrib.queue.filter')}
          </button>
          {dataset && (
            <button
              type="button"
              className="button button--small button--secondary"
              onClick={() => {
                setFilter('');
                setParam('dataset', '');
              }}
            >
              {t('contrib.queue.clear')}
            </button>
          )}
        </form>
        <div className="actions" role="group" aria-label={t('contrib.queue.order')}>
          <button
            type="button"
            className="button button--small button--secondary"
            aria-pressed={!newest}
            onClick={() => setParam('order', '')}
          >
            {t('contrib.queue.oldest')}
          </button>
          <button
            type="button"
            className="button button--small button--secondary"
            aria-pressed={newest}
            onClick={() => setParam('order', 'newest')}
          >
            {t('contrib.queue.newest')}
          </button>
        </div>
        <button type="button" className="link-button small" onClick={() => setHelp(true)}>
          {t('contrib.shortcuts.show')}
        </button>
      </div>
      <StatusMessage>{announce}</StatusMessage>
      <ErrorAlert error={queue.error} />
      {queue.loading && !queue.items.length ? (
        <Loading />
      ) : !queue.items.length ? (
        <div className="empty-state">
          <p>{overdue ? t('contrib.queue.overdueEmpty') : t('contrib.queue.empty')}</p>
        </div>
      ) : (
        <ol className="card-list queue-list">
          {queue.items.map((c, i) => (
            <QueueItem
              key={c.id}
              contribution={c}
              current={c.id === current?.id}
              position={{ n: i + 1, total: queue.items.length }}
              onSelect={() => setCurrentId(c.id)}
              onDone={onDone}
              review={c.id === current?.id ? review : undefined}
            />
          ))}
        </ol>
      )}
      {queue.hasMore && (
        <button type="button" className="button button--secondary" disabled={queue.loading} onClick={queue.more}>
          {t('contrib.queue.more')}
        </button>
      )}
      <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
    </div>
  );
}
