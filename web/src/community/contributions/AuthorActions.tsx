import { useAction } from '../../api/hooks';
import { useContributionActions, type ContributionView } from '../../api/community';
import { useT } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { ErrorAlert } from '../../ui/Messages';

/** "Withdraw" for the author of a proposal still open. */
export function AuthorActions({
  contribution,
  onDone,
}: {
  contribution: ContributionView;
  onDone: (c: ContributionView, message: string) => void;
}) {
  const t = useT();
  const { user } = useSession();
  const action = useAction();
  const contributions = useContributionActions();
  const open = contribution.status === 'pending' || contribution.status === 'changes_requested';
  if (!user || !contribution.author || user.handle !== contribution.author.handle || !open) return null;
  const withdraw = async () => {
    if (!window.confirm(t('contrib.review.withdrawConfirm'))) return;
    const outcome = await action.run(() => contributions.withdraw(contribution.id));
    if (outcome.ok) onDone(outcome.value, t('contrib.review.withdrawn'));
  };
  return (
    <div className="author-actions">
      <ErrorAlert error={action.error} />
      <button type="button" className="button button--danger" disabled={action.pending} onClick={() => void withdraw()}>
        {t('contrib.review.withdraw')}
      </button>
    </div>
  );
}
