import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import { useDiscussionActions, useThread, type DiscussionMessage, type ThreadView } from '../../api/community';
import type { MessageKey } from '../../i18n/en';
import { useI18n } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { TextAreaField } from '../../ui/Field';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { signInPath } from '../../ui/navigation';
import { useFormErrors } from '../../ui/useFormErrors';
import { required, validate } from '../../ui/validate';
import { contributionPath } from '../contributions/paths';
import { MessageBody } from './MessageBody';
import { seg } from '../../api/client';
import { PersonName } from './PersonName';
import { ReportForm } from './ReportForm';
import { ResolvedBadge } from './ThreadBits';

/** Where the discussion belongs, as a link. */
function subjectLink(thread: ThreadView): string {
  const slug = seg(thread.dataset);
  switch (thread.subject.kind) {
    case 'contribution':
      return contributionPath(thread.subject.id);
    case 'resource':
      return `/datasets/${slug}/resources/${seg(thread.subject.id)}`;
    case 'reuse':
      return `/reuses/${seg(thread.subject.id)}`;
    default:
      return `/datasets/${slug}`;
  }
}

/** /discussions/:id — a discussion, its messages, and the reply form. */
export function ThreadPage() {
  const { t, formatDateTime } = useI18n();
  const { id = '' } = useParams();
  const { user } = useSession();
  const location = useLocation();
  const errorMessage = useErrorMessage();
  const thread = useThread(id);
  const action = useAction();
  const discussions = useDiscussionActions();
  const [status, setStatus] = useState('');
  const th = thread.data;
  const title = th ? (th.hidden !== null ? t('disc.hiddenTitle') : th.title) : t('disc.thread.title');
  useDocumentTitle(title);

  if (!th) {
    const notFound = thread.error?.status === 404;
    return (
      <>
        <h1>{notFound ? t('disc.thread.notFound') : t('disc.thread.title')}</h1>
        {thread.loading ? (
          <Loading />
        ) : (
          <p className="notice notice--error">{thread.error ? errorMessage(thread.error) : t('error.loadFailed')}</p>
        )}
      </>
    );
  }

  /** Runs a thread action; the server answers the updated thread. */
  const act = async (fn: () => Promise<ThreadView>, done: MessageKey) => {
    setStatus('');
    const result = await action.run(fn);
    if (result.ok) {
      thread.setData(() => result.value);
      setStatus(t(done));
    }
  };
  const subjectKey = `disc.thread.subject.${th.subject.kind}` as const;

  return (
    <article className="thread" aria-labelledby="thread-title">
      <nav aria-label={t('data.breadcrumb')} className="breadcrumb small">
        <Link to={subjectLink(th)}>
          {t('disc.thread.about')} {t(subjectKey, { dataset: th.dataset })}
        </Link>
      </nav>
      <div className="page-heading">
        <h1 id="thread-title">
          {title} {th.status === 'closed' && <ResolvedBadge />}
        </h1>
        <p className="muted small">
          {t('disc.by', { author: '' }).trim()} <PersonName person={th.author} /> ·{' '}
          {t('disc.thread.postedOn', { date: formatDateTime(th.createdAt) })}
        </p>
      </div>
      {th.hidden !== null && (
        <p className="notice notice--warning moderated">{t('disc.hidden', { reason: th.hidden })}</p>
      )}
      {th.status === 'closed' && (
        <div className="notice notice--success">
          <p className="notice__title">
            {t('disc.thread.resolvedBy', {
              who: th.closedBy?.name ?? t('disc.unknownAuthor'),
              date: formatDateTime(th.closedAt),
            })}
          </p>
          {th.resolutionHtml && <MessageBody html={th.resolutionHtml} hidden={null} />}
        </div>
      )}

      {user && (
        <div role="group" aria-label={t('disc.actions')} className="thread__actions">
          <div className="actions">
            {th.viewerSubscribed ? (
              <button
                type="button"
                className="button button--small button--secondary"
                disabled={action.pending}
                onClick={() => void act(() => discussions.unsubscribe(th.id), 'disc.unsubscribed')}
              >
                {t('disc.unsubscribe')}
              </button>
            ) : (
              <button
                type="button"
                className="button button--small button--secondary"
                disabled={action.pending}
                onClick={() => void act(() => discussions.subscribe(th.id), 'disc.subscribed')}
              >
                {t('disc.subscribe')}
              </button>
            )}
            {th.status === 'open' ? (
              <button
                type="button"
                className="button button--small"
                disabled={action.pending}
                onClick={() => void act(() => discussions.close(th.id, {}), 'disc.resolvedDone')}
              >
                {t('disc.resolve')}
              </button>
            ) : (
              <button
                type="button"
                className="button button--small button--secondary"
                disabled={action.pending}
                onClick={() => void act(() => discussions.reopen(th.id), 'disc.reopened')}
              >
                {t('disc.reopen')}
              </button>
            )}
          </div>
          {th.hidden === null && <ReportForm kind="discussion" id={th.id} context={t('flag.reportThread')} />}
        </div>
      )}
      <ErrorAlert error={action.error} />
      <StatusMessage>{status}</StatusMessage>

      <section>
        <h2 id="thread-messages" className="visually-hidden">
          {t('disc.thread.messages')}
        </h2>
        <ol className="message-list">
          {th.messages.map((m) => (
            <MessageItem
              key={m.id}
              message={m}
              threadId={th.id}
              signedIn={!!user}
              canMarkHelpful={th.viewerCanMarkHelpful && !!user && m.author?.handle !== user.handle}
              onUpdated={(v) => thread.setData(() => v)}
            />
          ))}
        </ol>
      </section>

      {th.hidden === null &&
        (user ? (
          <ReplyForm threadId={th.id} closed={th.status === 'closed'} onReplied={(v) => thread.setData(() => v)} />
        ) : (
          <p>
            <Link className="button button--secondary" to={signInPath(`${location.pathname}${location.search}`)}>
              {t('disc.signInToReply')}
            </Link>
          </p>
        ))}
    </article>
  );
}

function MessageItem({
  message: m,
  threadId,
  signedIn,
  canMarkHelpful,
  onUpdated,
}: {
  message: DiscussionMessage;
  threadId: string;
  signedIn: boolean;
  canMarkHelpful: boolean;
  onUpdated: (thread: ThreadView) => void;
}) {
  const { t, formatDateTime } = useI18n();
  const action = useAction();
  const discussions = useDiscussionActions();
  const [status, setStatus] = useState('');
  const headId = `message-${m.id}`;
  const author = m.author?.name ?? t('disc.unknownAuthor');

  const markHelpful = async () => {
    const result = await action.run(() => discussions.markHelpful(threadId, m.id));
    if (result.ok) {
      onUpdated(result.value);
      setStatus(t('disc.helpfulDone'));
    }
  };

  return (
    <li className={`message${m.helpful ? ' message--helpful' : ''}`} aria-labelledby={headId}>
      <p id={headId} className="message__head small">
        <strong>
          <PersonName person={m.author} />
        </strong>{' '}
        <span className="muted">
          · <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
        </span>
        {m.helpful && (
          <span
            className="badge badge--success"
            title={m.markedHelpfulBy ? t('disc.markedHelpfulBy', { who: m.markedHelpfulBy.name }) : undefined}
          >
            {t('disc.markedHelpful')}
          </span>
        )}
      </p>
      <MessageBody html={m.bodyHtml} hidden={m.hidden} />
      {signedIn && m.hidden === null && (
        <div className="message__actions">
          {!m.helpful && canMarkHelpful && (
            <button
              type="button"
              className="button button--small button--secondary"
              disabled={action.pending}
              aria-describedby={`${headId}-helpful`}
              onClick={() => void markHelpful()}
            >
              {t('disc.helpful')}
            </button>
          )}
          {!m.helpful && canMarkHelpful && (
            <span id={`${headId}-helpful`} className="visually-hidden">
              {t('disc.helpfulLabel', { author })}
            </span>
          )}
          <ReportForm kind="message" id={m.id} context={t('flag.reportMessage', { author })} />
        </div>
      )}
      <ErrorAlert error={action.error} />
      <StatusMessage>{status}</StatusMessage>
    </li>
  );
}

function ReplyForm({
  threadId,
  closed,
  onReplied,
}: {
  threadId: string;
  closed: boolean;
  onReplied: (thread: ThreadView) => void;
}) {
  const { t } = useI18n();
  const action = useAction();
  const discussions = useDiscussionActions();
  const { errorFor, accept } = useFormErrors<'body'>(action);
  const [body, setBody] = useState('');
  const [status, setStatus] = useState('');

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus('');
    if (!accept(validate({ body }, { body: required }))) return;
    const result = await action.run(() => discussions.reply(threadId, body));
    if (result.ok) {
      onReplied(result.value);
      setBody('');
      setStatus(t('disc.replied'));
    }
  };

  return (
    <section aria-labelledby="reply-heading" className="subpanel">
      <h2 id="reply-heading">{t('disc.replyHeading')}</h2>
      {closed && <p className="muted small">{t('disc.closedNote')}</p>}
      <StatusMessage>{status}</StatusMessage>
      <form className="form discussion-form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <ErrorAlert error={action.error} shownFields={['body']} />
        <TextAreaField
          label={t('disc.message')}
          hint={t('disc.markdownHint')}
          value={body}
          onValueChange={setBody}
          error={errorFor('body')}
          maxLength={10000}
          rows={5}
          required
          className="field--wide"
        />
        <button type="submit" className="button" disabled={action.pending}>
          {t('disc.reply')}
        </button>
      </form>
    </section>
  );
}
