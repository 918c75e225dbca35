import type { WebhookDeliveryStatus } from '../../api/webhooks';
import type { MessageKey } from '../../i18n/en';
import { SecretNotice } from '../core/SecretNotice';
import { useT } from '../../i18n/I18nProvider';

/** What the subscription page receives right after creation: the secret, shown this once. */
export interface CreatedState {
  secret?: string;
}

/** The event type's description in the reader's language (the server's English one otherwise). */
export function useEventLabel() {
  const t = useT();
  return (type: string, fallback?: string) => {
    const key = `wh.event.${type}` as MessageKey;
    const text = t(key);
    return text === key ? (fallback ?? type) : text;
  };
}

export function SubscriptionStatus({ status }: { status: 'active' | 'disabled' }) {
  const t = useT();
  return (
    <span className={`badge wh-badge wh-badge--${status}`}>
      {t(status === 'active' ? 'wh.status.active' : 'wh.status.disabled')}
    </span>
  );
}

export function DeliveryBadge({ status }: { status: WebhookDeliveryStatus }) {
  const t = useT();
  const key: Record<WebhookDeliveryStatus, MessageKey> = {
    pending: 'wh.delivery.pending',
    delivered: 'wh.delivery.delivered',
    failed: 'wh.delivery.failed',
  };
  return <span className={`badge wh-badge wh-badge--${status}`}>{t(key[status])}</span>;
}

const SAMPLE = `import { Webhook } from 'standardwebhooks';

const wh = new Webhook(process.env.WEBHOOK_SECRET); // whsec_…

// Express: keep the raw body, the signature covers its exact bytes.
app.post('/hooks/multitude', express.raw({ type: 'application/json' }), (req, res) => {
  let message;
  try {
    message = wh.verify(req.body, req.headers); // throws when the signature is wrong or too old
  } catch {
    return res.sendStatus(400);
  }
  // message = { type: 'dataset.updated', timestamp: '…', data: { … } }
  res.sendStatus(204); // answer fast; do the work afterwards
});`;

/** What webhooks are and how to verify them: shown when the list is empty, folded otherwise. */
export function WebhooksExplainer() {
  const t = useT();
  return (
    <div className="stack wh-explainer">
      <h3>{t('wh.what.heading')}</h3>
      <p>{t('wh.what.body')}</p>
      <h3>{t('wh.verify.heading')}</h3>
      <p>{t('wh.verify.body')}</p>
      <pre className="code" tabIndex={0} aria-label={t('wh.verify.heading')}>
        <code>{SAMPLE}</code>
      </pre>
      <p className="muted">{t('wh.verify.retries')}</p>
    </div>
  );
}

/** The signing secret, shown this once, with a copy button. */
export function WebhookSecretNotice({
  heading,
  secret,
  onDismiss,
}: {
  heading: string;
  secret: string;
  onDismiss: () => void;
}) {
  const t = useT();
  return (
    <SecretNotice
      heading={heading}
      warning={t('wh.secretWarning')}
      fields={[{ label: t('wh.secretLabel'), value: secret }]}
      onDismiss={onDismiss}
    />
  );
}
