import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import { cursorOf } from '../../api/platform';
import {
  fetchDeliveries,
  useDeliveries,
  useDelivery,
  useWebhook,
  useWebhookActions,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookSubscription,
} from '../../api/webhooks';
import { useI18n } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { SelectField } from '../../ui/Field';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { ConfirmButton } from '../core/ConfirmButton';
import { DeliveryBadge, SubscriptionStatus, useEventLabel, WebhookSecretNotice, type CreatedState } from './shared';

function DeliveryDetailView({ hookId, msgId }: { hookId: string; msgId: string }) {
  const { t, formatDateTime } = useI18n();
  const errorMessage = useErrorMessage();
  const detail = useDelivery(hookId, msgId);
  if (detail.loading && !detail.data) return <Loading />;
  if (detail.error) return <p className="notice notice--error">{errorMessage(detail.error)}</p>;
  const d = detail.data!;
  return (
    <div className="wh-detail stack">
      <ol className="wh-attempts">
        {d.attemptLog.map((a) => (
          <li key={a.id} className="wh-attempt">
            <p>
              <strong>{t('wh.log.attempt', { number: a.number })}</strong> ·{' '}
              <time dateTime={a.at}>{formatDateTime(a.at)}</time> ·{' '}
              {a.statusCode !== null ? <code>HTTP {a.statusCode}</code> : <span>{t('wh.log.noAnswer')}</span>} ·{' '}
              {t('wh.log.duration', { ms: a.durationMs })}
              {a.nextAttemptAt && <> · {t('wh.log.next', { date: formatDateTime(a.nextAttemptAt) })}</>}
            </p>
            {a.error && <p className="field__error">{a.error}</p>}
            {a.response && (
              <>
                <p className="small muted">{t('wh.log.response')}</p>
                <pre className="code wh-response" tabIndex={0}>
                  {a.response}
                </pre>
              </>
            )}
          </li>
        ))}
      </ol>
      <p className="small muted">{t('wh.log.body')}</p>
      <pre className="code" tabIndex={0} aria-label={t('wh.log.body')}>
        {JSON.stringify(d.payload, null, 2)}
      </pre>
    </div>
  );
}

function DeliveryRow({
  hookId,
  delivery,
  active,
  onReplayed,
}: {
  hookId: string;
  delivery: WebhookDelivery;
  active: boolean;
  onReplayed: (d: WebhookDelivery) => void;
}) {
  const { t, formatDateTime } = useI18n();
  const label = useEventLabel();
  const [open, setOpen] = useState(false);
  const action = useAction();
  const webhooks = useWebhookActions();
  const replay = async () => {
    const result = await action.run(() => webhooks.replay(hookId, delivery.id));
    if (result.ok) onReplayed(result.value);
  };
  const detailsId = `wh-detail-${delivery.id}`;
  return (
    <li className="card wh-delivery">
      <div className="wh-delivery__head">
        <DeliveryBadge status={delivery.status} />
        <code title={label(delivery.eventType)}>{delivery.eventType}</code>
        {delivery.lastStatusCode !== null && <span className="small muted">HTTP {delivery.lastStatusCode}</span>}
        <span className="small muted">{t('wh.log.attemptsCount', { count: delivery.attempts })}</span>
        <time className="small muted" dateTime={delivery.createdAt}>
          {formatDateTime(delivery.createdAt)}
        </time>
      </div>
      <p className="small wh-url">
        <span className="muted">{t('wh.log.col.message')}</span> <code>{delivery.id}</code>
      </p>
      {delivery.status === 'pending' && delivery.nextAttemptAt && (
        <p className="small muted">{t('wh.log.next', { date: formatDateTime(delivery.nextAttemptAt) })}</p>
      )}
      {delivery.lastError && delivery.status !== 'delivered' && (
        <p className="small field__error">{delivery.lastError}</p>
      )}
      <div className="wh-row-actions">
        <button
          type="button"
          className="button button--secondary button--small"
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen((o) => !o)}
        >
          {t('wh.log.details')}
        </button>
        {delivery.status !== 'pending' && active && (
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={action.pending}
            onClick={() => void replay()}
          >
            {t('wh.log.replay')}
          </button>
        )}
      </div>
      <ErrorAlert error={action.error} />
      {open && (
        <div id={detailsId}>
          <DeliveryDetailView hookId={hookId} msgId={delivery.id} />
        </div>
      )}
    </li>
  );
}

function DeliveryLog({ hook }: { hook: WebhookSubscription }) {
  const { t } = useI18n();
  const errorMessage = useErrorMessage();
  const [status, setStatus] = useState<'' | WebhookDeliveryStatus>('');
  const [replayed, setReplayed] = useState<string | null>(null);
  const query = { _limit: 20, ...(status ? { status } : {}) };
  const first = useDeliveries(hook.id, query);
  const [more, setMore] = useState<WebhookDelivery[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const loadMore = useAction();
  // A new first page (another filter, or a refetch after a test event) starts the log again.
  useEffect(() => {
    setMore([]);
    setNext(cursorOf(first.data?.next ?? null));
  }, [first.data]);
  const items = [...(first.data?.items ?? []), ...more];
  const onMore = async () => {
    if (!next) return;
    const result = await loadMore.run(() => fetchDeliveries(hook.id, { ...query, _cursor: next }));
    if (result.ok) {
      setMore((m) => [...m, ...result.value.items]);
      setNext(cursorOf(result.value.next));
    }
  };
  const onReplayed = (d: WebhookDelivery) => {
    setReplayed(d.id);
    first.setData((cur) => cur && { ...cur, items: cur.items.map((x) => (x.id === d.id ? d : x)) });
    setMore((m) => m.map((x) => (x.id === d.id ? d : x)));
  };
  return (
    <section aria-labelledby="wh-log-heading" className="panel">
      <h2 id="wh-log-heading">{t('wh.log.heading')}</h2>
      <SelectField
        label={t('wh.log.filter')}
        value={status}
        onValueChange={(value) => setStatus(value as '' | WebhookDeliveryStatus)}
        options={[
          { value: '', label: t('wh.log.all') },
          { value: 'pending', label: t('wh.delivery.pending') },
          { value: 'delivered', label: t('wh.delivery.delivered') },
          { value: 'failed', label: t('wh.delivery.failed') },
        ]}
      />
      <StatusMessage tone="info">{replayed ? t('wh.log.replayed', { id: replayed }) : null}</StatusMessage>
      {first.loading && !first.data ? (
        <Loading />
      ) : first.error ? (
        <p className="notice notice--error">{errorMessage(first.error)}</p>
      ) : items.length === 0 ? (
        <p className="empty-state">{t('wh.log.empty')}</p>
      ) : (
        <>
          <ul className="card-list wh-deliveries" aria-label={t('wh.log.heading')}>
            {items.map((d) => (
              <DeliveryRow
                key={d.id}
                hookId={hook.id}
                delivery={d}
                active={hook.status === 'active'}
                onReplayed={onReplayed}
              />
            ))}
          </ul>
          {next && (
            <button
              type="button"
              className="button button--secondary"
              disabled={loadMore.pending}
              onClick={() => void onMore()}
            >
              {t('dev.common.loadMore')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function WebhookDetail({ id }: { id: string }) {
  const { t, formatDateTime } = useI18n();
  const label = useEventLabel();
  const errorMessage = useErrorMessage();
  const navigate = useNavigate();
  const location = useLocation();
  const hook = useWebhook(id);
  const webhooks = useWebhookActions();
  const action = useAction();
  const [secret, setSecret] = useState<{ value: string; heading: string } | null>(() => {
    const state = location.state as CreatedState | null;
    return state?.secret ? { value: state.secret, heading: t('wh.secretHeading') } : null;
  });
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    // The secret is kept in this component only: a reload of the page does not show it again.
    if ((location.state as CreatedState | null)?.secret) navigate(location.pathname, { replace: true, state: null });
  }, [location, navigate]);
  useDocumentTitle(hook.data ? `${t('wh.title')} — ${hook.data.url}` : t('wh.title'));

  if (hook.loading && !hook.data) return <Loading />;
  if (hook.error) return <p className="notice notice--error">{errorMessage(hook.error)}</p>;
  const w = hook.data!;
  const setEnabled = async (enabled: boolean) => {
    const result = await action.run(() => webhooks.update(w.id, { enabled }));
    if (result.ok) {
      hook.setData(() => result.value);
      setNotice(t(enabled ? 'wh.detail.reenabled' : 'wh.detail.disabled'));
    }
  };
  const rotate = async () => {
    const result = await action.run(() => webhooks.rotateSecret(w.id));
    if (result.ok) {
      const { secret: value, ...rest } = result.value;
      hook.setData(() => rest);
      setSecret({ value, heading: t('wh.detail.rotatedHeading') });
    }
  };
  const test = async () => {
    // The test action refreshes the delivery log, where the test delivery shows.
    const result = await action.run(() => webhooks.test(w.id));
    if (result.ok) setNotice(t('wh.detail.testSent'));
  };
  const remove = async () => {
    const result = await action.run(() => webhooks.remove(w.id));
    if (result.ok) navigate('/developers/webhooks');
  };
  const filters = [
    ...(w.filters.datasets ?? []).map((d) => `dataset: ${d}`),
    ...(w.filters.organization ? [`organization: ${w.filters.organization}`] : []),
  ];

  return (
    <div className="stack">
      <div className="page-heading">
        <h1 className="wh-url">
          {w.url} <SubscriptionStatus status={w.status} />
        </h1>
        {w.description && <p className="lead">{w.description}</p>}
      </div>
      {secret && (
        <WebhookSecretNotice heading={secret.heading} secret={secret.value} onDismiss={() => setSecret(null)} />
      )}
      <section aria-labelledby="wh-summary-heading" className="panel">
        <h2 id="wh-summary-heading">{t('wh.detail.status')}</h2>
        {w.status === 'disabled' && w.disabledReason && (
          <p className="notice notice--warning">{t('wh.detail.disabledReason', { reason: w.disabledReason })}</p>
        )}
        {w.previousSecretExpiresAt && (
          <p className="notice">{t('wh.detail.overlap', { date: formatDateTime(w.previousSecretExpiresAt) })}</p>
        )}
        <dl className="wh-facts">
          <dt>{t('wh.detail.lastSuccess')}</dt>
          <dd>
            {w.lastSuccessAt ? (
              <time dateTime={w.lastSuccessAt}>{formatDateTime(w.lastSuccessAt)}</time>
            ) : (
              t('wh.detail.never')
            )}
          </dd>
          <dt>{t('wh.detail.failures')}</dt>
          <dd>{w.consecutiveFailures}</dd>
          <dt>{t('wh.detail.created')}</dt>
          <dd>
            <time dateTime={w.createdAt}>{formatDateTime(w.createdAt)}</time>
          </dd>
          <dt>{t('wh.events')}</dt>
          <dd>
            <ul className="link-list">
              {w.events.map((e) => (
                <li key={e}>
                  <code>{e}</code> <span className="muted">— {label(e)}</span>
                </li>
              ))}
            </ul>
          </dd>
          <dt>{t('wh.detail.filters')}</dt>
          <dd>
            {filters.length
              ? filters.map((f) => (
                  <code key={f} className="wh-event-code">
                    {f}
                  </code>
                ))
              : t('wh.detail.noFilters')}
          </dd>
        </dl>
        <h3>{t('wh.detail.actions')}</h3>
        <ErrorAlert error={action.error} />
        <StatusMessage tone="info">{notice}</StatusMessage>
        <div className="button-row wh-actions">
          {w.status === 'disabled' ? (
            <button type="button" className="button" disabled={action.pending} onClick={() => void setEnabled(true)}>
              {t('wh.detail.reenable')}
            </button>
          ) : (
            <>
              <button type="button" className="button" disabled={action.pending} onClick={() => void test()}>
                {t('wh.detail.test')}
              </button>
              <button
                type="button"
                className="button button--secondary"
                disabled={action.pending}
                onClick={() => void setEnabled(false)}
              >
                {t('wh.detail.disable')}
              </button>
            </>
          )}
          <ConfirmButton
            small={false}
            label={t('wh.detail.rotate')}
            question={t('wh.detail.rotateQuestion')}
            confirmLabel={t('wh.detail.rotateConfirm')}
            disabled={action.pending}
            onConfirm={rotate}
          />
          <ConfirmButton
            small={false}
            label={t('wh.detail.delete')}
            question={t('wh.detail.deleteQuestion')}
            confirmLabel={t('wh.detail.deleteConfirm')}
            disabled={action.pending}
            onConfirm={remove}
          />
        </div>
      </section>
      <DeliveryLog hook={w} />
    </div>
  );
}

/** /developers/webhooks/:id — a subscription, its actions and its delivery log. */
export function WebhookPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  return (
    <>
      <nav aria-label={t('dev.common.breadcrumb')} className="breadcrumb">
        <Link to="/developers">{t('dev.portal.heading')}</Link> ›{' '}
        <Link to="/developers/webhooks">{t('wh.heading')}</Link>
      </nav>
      <RequireUser>{() => <WebhookDetail id={id} />}</RequireUser>
    </>
  );
}
