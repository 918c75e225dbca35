import { useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useContribution, type ContributionView } from '../../api/community';
import { useT } from '../../i18n/I18nProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { AuthorActions } from './AuthorActions';
import { ContributionDetails } from './ContributionDetails';
import { DiffList } from './DiffList';
import { ReviewActions, type ReviewHandle } from './ReviewActions';
import { ShortcutsDialog } from './ShortcutsDialog';
import { useReviewShortcuts } from './useReviewShortcuts';
import { Discussions } from '../discussions/Discussions'; // Discussions & moderation

/** /contributions/:id — one proposal, its diff, and the review or author actions. */
export function ContributionPage() {
  const t = useT();
  const { id = '' } = useParams();
  const errorMessage = useErrorMessage();
  const contribution = useContribution(id);
  const [selected, setSelected] = useState<number[]>([]);
  const [announce, setAnnounce] = useState('');
  const review = useRef<ReviewHandle>(null);
  const c = contribution.data;
  useDocumentTitle(c ? t('contrib.page.heading', { dataset: c.dataset }) : t('contrib.page.title'));

  const move = (delta: number) => {
    const entries = [...document.querySelectorAll<HTMLElement>('[data-diff-index]')];
    if (!entries.length) return;
    const at = entries.findIndex((el) => el.contains(document.activeElement));
    const target =
      entries[Math.min(entries.length - 1, Math.max(0, at === -1 ? (delta > 0 ? 0 : entries.length - 1) : at + delta))];
    target?.focus();
    target?.scrollIntoView({ block: 'nearest' });
  };
  const { help, setHelp } = useReviewShortcuts(review, move);

  if (contribution.loading && !c)
    return (
      <>
        <h1>{t('contrib.page.title')}</h1>
        <Loading />
      </>
    );
  if (!c) {
    return (
      <>
        <h1>{t('contrib.page.notFound')}</h1>
        <p className="notice notice--error">
          {contribution.error ? errorMessage(contribution.error) : t('error.loadFailed')}
        </p>
      </>
    );
  }
  const reviewable = c.viewerCanReview && c.status === 'pending';
  const onDone = (updated: ContributionView, message: string) => {
    contribution.setData(() => updated);
    setSelected([]);
    setAnnounce(message);
  };

  return (
    <div className="contribution-page">
      <nav aria-label={t('data.breadcrumb')} className="breadcrumb small">
        <Link to="/review">{t('contrib.page.backToQueue')}</Link>
      </nav>
      <div className="page-heading">
        <h1>{t('contrib.page.heading', { dataset: c.dataset })}</h1>
      </div>
      <StatusMessage>{announce}</StatusMessage>
      <ContributionDetails contribution={c} />
      <section aria-labelledby="contrib-diff">
        <h2 id="contrib-diff">
          {t('contrib.diff.heading')} ({c.diff.length})
        </h2>
        <DiffList
          diff={c.diff}
          selectable={reviewable && c.diff.length > 1}
          selected={selected}
          onSelect={setSelected}
        />
      </section>
      {reviewable && (
        <>
          <ReviewActions ref={review} contribution={c} selected={selected} onDone={onDone} />
          <p className="small">
            <button type="button" className="link-button" onClick={() => setHelp(true)}>
              {t('contrib.shortcuts.show')}
            </button>
          </p>
          <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
        </>
      )}
      <AuthorActions contribution={c} onDone={onDone} />
      <Discussions kind="contribution" id={c.id} />
    </div>
  );
}
