import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { toApiError, type ApiError } from '../../api/client';
import { useAction } from '../../api/hooks';
import { cursorOf } from '../../api/platform';
import {
  fetchThreads,
  useDiscussionActions,
  useThreads,
  type DiscussionSubjectKind,
  type ThreadSummary,
  type ThreadView,
} from '../../api/community';
import { useI18n } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { TextAreaField, TextField } from '../../ui/Field';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { signInPath } from '../../ui/navigation';
import { useFormErrors } from '../../ui/useFormErrors';
import { required, validate } from '../../ui/validate';
import { PersonName } from './PersonName';
import { threadPath } from './paths';
import { RepliesCount, ResolvedBadge } from './ThreadBits';

interface Props {
  kind: DiscussionSubjectKind;
  /** Dataset id (or slug), resource id or contribution id. */
  id: string;
  /** Heading level of the section title (the page decides). */
  headingLevel?: 2 | 3;
}

/** Discussions on a dataset, resource or contribution: the list and a "Start a discussion" form. */
export function Discussions({ kind, id, headingLevel = 2 }: Props) {
  const { t } = useI18n();
  const { user } = useSession();
  const location = useLocation();
  const errorMessage = useErrorMessage();
  const first = useThreads(kind, id);
  const [more, setMore] = useState<{
    items: ThreadSummary[];
    next: string | null;
    error: ApiError | null;
    loading: boolean;
  } | null>(null);
  const [added, setAdded] = useState<ThreadSummary[]>([]);
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState('');
  const headingId = `discussions-${kind}-${id}`;
  const Heading = `h${headingLevel}` as const;

  const seen = new Set<string>();
  const items = [...added, ...(first.data?.items ?? []), ...(more?.items ?? [])].filter(
    (th) => !seen.has(th.id) && !!seen.add(th.id),
  );
  const next = more ? more.next : (first.data?.next ?? null);

  const loadMore = async () => {
    const cursor = cursorOf(next);
    if (!cursor) return;
    setMore((m) => ({ items: m?.items ?? [], next, error: null, loading: true }));
    try {
      const page = await fetchThreads(kind, id, cursor);
      setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], next: page.next, error: null, loading: false }));
    } catch (err) {
      setMore((m) => ({ items: m?.items ?? [], next, error: toApiError(err), loading: false }));
    }
  };

  const onCreated = (thread: ThreadView) => {
    setAdded((prev) => [thread, ...prev]);
    setOpen(false);
    setStatus(t('disc.created'));
    requestAnimationFrame(() => document.getElementById(`thread-link-${thread.id}`)?.focus());
  };

  return (
    <section aria-labelledby={headingId} className="subpanel discussions">
      <div className="discussions__head">
        <Heading id={headingId}>{t('disc.heading')}</Heading>
        {user ? (
          <button
            type="button"
            className="button button--small"
            aria-expanded={open}
            aria-controls={open ? `${headingId}-form` : undefined}
            onClick={() => {
              setStatus('');
              setOpen((o) => !o);
            }}
          >
            {t('disc.start')}
          </button>
        ) : (
          <Link
            className="button button--small button--secondary"
            to={signInPath(`${location.pathname}${location.search}`)}
          >
            {t('disc.signInToStart')}
          </Link>
        )}
      </div>
      <StatusMessage>{status}</StatusMessage>
      {open && user && (
        <NewThreadForm
          formId={`${headingId}-form`}
          kind={kind}
          id={id}
          onCreated={onCreated}
          onCancel={() => setOpen(false)}
        />
      )}

      {first.loading && !first.data ? (
        <Loading />
      ) : first.error && !first.data ? (
        <p className="notice notice--error">{errorMessage(first.error)}</p>
      ) : items.length === 0 ? (
        !open && (
          <div className="empty-state">
            <p>{user ? t('disc.empty') : t('disc.emptySignedOut')}</p>
          </div>
        )
      ) : (
        <ul className="thread-list">
          {items.map((th) => (
            <ThreadItem key={th.id} thread={th} />
          ))}
        </ul>
      )}
      {more?.error && (
        <p className="notice notice--error" role="alert">
          {errorMessage(more.error)}
        </p>
      )}
      {cursorOf(next) && (
        <p className="load-more">
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={more?.loading}
            onClick={() => void loadMore()}
          >
            {t('disc.more')}
          </button>
        </p>
      )}
    </section>
  );
}

function ThreadItem({ thread }: { thread: ThreadSummary }) {
  const { t, formatDate } = useI18n();
  const replies = Math.max(0, thread.messageCount - 1);
  return (
    <li className="thread-item">
      <p className="thread-item__title">
        <Link id={`thread-link-${thread.id}`} to={threadPath(thread.id)}>
          {thread.hidden !== null ? t('disc.hidden', { reason: thread.hidden }) : thread.title}
        </Link>
        {thread.status === 'closed' && (
          <>
            {' '}
            <ResolvedBadge />
          </>
        )}
      </p>
      <p className="thread-item__meta small muted">
        {t('disc.by', { author: '' }).trim()} <PersonName person={thread.author} /> · <RepliesCount count={replies} /> ·{' '}
        {t('disc.lastActivity', { date: formatDate(thread.lastMessageAt) })}
      </p>
    </li>
  );
}

function NewThreadForm({
  formId,
  kind,
  id,
  onCreated,
  onCancel,
}: {
  formId: string;
  kind: DiscussionSubjectKind;
  id: string;
  onCreated: (thread: ThreadView) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const action = useAction();
  const discussions = useDiscussionActions();
  const { errorFor, accept } = useFormErrors<'title' | 'body'>(action);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!accept(validate({ title, body }, { title: required, body: required }))) return;
    const result = await action.run(() => discussions.open({ subject: { kind, id }, title: title.trim(), body }));
    if (result.ok) onCreated(result.value);
  };

  return (
    <form
      id={formId}
      className="form discussion-form"
      aria-label={t('disc.start')}
      onSubmit={(e) => void onSubmit(e)}
      noValidate
    >
      <ErrorAlert error={action.error} shownFields={['title', 'body']} />
      <TextField
        label={t('disc.title')}
        value={title}
        onValueChange={setTitle}
        error={errorFor('title')}
        maxLength={200}
        required
        autoFocus
        className="field--wide"
      />
      <TextAreaField
        label={t('disc.message')}
        hint={t('disc.markdownHint')}
        value={body}
        onValueChange={setBody}
        error={errorFor('body')}
        maxLength={10000}
        rows={6}
        required
        className="field--wide"
      />
      <div className="actions">
        <button type="submit" className="button" disabled={action.pending}>
          {action.pending ? t('disc.posting') : t('disc.post')}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('disc.cancel')}
        </button>
      </div>
    </form>
  );
}
