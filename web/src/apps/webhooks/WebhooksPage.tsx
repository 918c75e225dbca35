import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import { useWebhookActions, useWebhookEventTypes, useWebhooks, type WebhookWithSecret } from '../../api/webhooks';
import { useT } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { TextField } from '../../ui/Field';
import { ErrorAlert, Loading, useErrorMessage } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';
import { SubscriptionStatus, useEventLabel, WebhooksExplainer, type CreatedState } from './shared';

type F = 'url' | 'description' | 'events' | 'filters.datasets' | 'filters.organization';

const splitSlugs = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function CreateForm({ onCreated }: { onCreated: (w: WebhookWithSecret) => void }) {
  const t = useT();
  const label = useEventLabel();
  const action = useAction();
  const errors = useFormErrors<F>(action);
  const types = useWebhookEventTypes();
  const webhooks = useWebhookActions();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [datasets, setDatasets] = useState('');
  const [organization, setOrganization] = useState('');
  const subscribable = (types.data?.items ?? []).filter((e) => e.type !== 'webhook.test');
  const toggle = (type: string, on: boolean) =>
    setEvents((cur) => (on ? [...cur, type] : cur.filter((e) => e !== type)));
  const eventsError =
    errors.errorFor('events') ?? Object.entries(action.fieldErrors).find(([k]) => k.startsWith('events.'))?.[1];

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const checks = v.validate<F>(
      {
        url,
        description,
        events: events.join(','),
        'filters.datasets': datasets,
        'filters.organization': organization,
      },
      {
        url: (value) => v.required(value) ?? v.optionalUrl(value),
        events: (value) => (value ? null : 'wh.eventsRequired'),
      },
    );
    if (!errors.accept(checks)) return;
    const slugs = splitSlugs(datasets);
    const filters = {
      ...(slugs.length ? { datasets: slugs } : {}),
      ...(organization.trim() ? { organization: organization.trim() } : {}),
    };
    const body = {
      url: url.trim(),
      events,
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(Object.keys(filters).length ? { filters } : {}),
    };
    const result = await action.run(() => webhooks.create(body));
    if (result.ok) onCreated(result.value);
  };

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="form subpanel" aria-labelledby="new-webhook-heading">
      <h2 id="new-webhook-heading">{t('wh.createHeading')}</h2>
      <ErrorAlert
        error={action.error}
        shownFields={[
          'url',
          'description',
          'events',
          'filters.datasets',
          'filters.organization',
          ...subscribable.map((_, i) => `events.${i}`),
        ]}
      />
      <TextField
        label={t('wh.url')}
        hint={t('wh.urlHint')}
        required
        type="url"
        inputMode="url"
        maxLength={2000}
        placeholder="https://example.org/hooks/multitude"
        value={url}
        onValueChange={setUrl}
        error={errors.errorFor('url')}
      />
      <TextField
        label={t('wh.description')}
        maxLength={500}
        value={description}
        onValueChange={setDescription}
        error={errors.errorFor('description')}
      />
      <fieldset
        className="field"
        aria-describedby={eventsError ? 'wh-events-error' : 'wh-events-hint'}
        aria-invalid={eventsError ? true : undefined}
      >
        <legend>{t('wh.events')}</legend>
        <p id="wh-events-hint" className="field__hint">
          {t('wh.eventsHint')}
        </p>
        {eventsError && (
          <p id="wh-events-error" className="field__error">
            {eventsError}
          </p>
        )}
        {types.loading && !types.data ? (
          <Loading />
        ) : (
          <ul className="checkbox-list wh-events">
            {subscribable.map((e) => (
              <li key={e.type}>
                <input
                  type="checkbox"
                  id={`wh-event-${e.type}`}
                  checked={events.includes(e.type)}
                  onChange={(ev) => toggle(e.type, ev.target.checked)}
                />
                <label htmlFor={`wh-event-${e.type}`}>
                  <code>{e.type}</code> <span className="muted">— {label(e.type, e.description)}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <fieldset className="field fieldset-group">
        <legend>{t('wh.filters')}</legend>
        <TextField
          label={t('wh.filterDatasets')}
          hint={t('wh.filterDatasetsHint')}
          value={datasets}
          onValueChange={setDatasets}
          spellCheck={false}
          error={errors.errorFor('filters.datasets')}
        />
        <TextField
          label={t('wh.filterOrganization')}
          hint={t('wh.filterOrganizationHint')}
          value={organization}
          onValueChange={setOrganization}
          spellCheck={false}
          error={errors.errorFor('filters.organization')}
        />
      </fieldset>
      <button type="submit" className="button" disabled={action.pending}>
        {action.pending ? t('common.saving') : t('wh.create')}
      </button>
    </form>
  );
}

function WebhookList() {
  const t = useT();
  const errorMessage = useErrorMessage();
  const navigate = useNavigate();
  const list = useWebhooks();
  const items = list.data?.items ?? [];
  const onCreated = (w: WebhookWithSecret) => {
    const state: CreatedState = { secret: w.secret };
    navigate(`/developers/webhooks/${encodeURIComponent(w.id)}`, { state });
  };
  return (
    <div className="stack">
      <section aria-labelledby="webhooks-heading" className="panel">
        <h2 id="webhooks-heading">{t('wh.listHeading')}</h2>
        {list.loading && !list.data ? (
          <Loading />
        ) : list.error ? (
          <p className="notice notice--error">{errorMessage(list.error)}</p>
        ) : items.length === 0 ? (
          <div className="empty-state">
            <p>{t('wh.empty')}</p>
            <WebhooksExplainer />
          </div>
        ) : (
          <>
            <ul className="card-list">
              {items.map((w) => (
                <li key={w.id} className="card">
                  <h3 className="card__title wh-url">
                    <Link to={`/developers/webhooks/${encodeURIComponent(w.id)}`}>{w.url}</Link>{' '}
                    <SubscriptionStatus status={w.status} />
                  </h3>
                  {w.description && <p>{w.description}</p>}
                  <p className="small muted">
                    {t('wh.eventsCount', { count: w.events.length })} ·{' '}
                    {w.events.map((e) => (
                      <code key={e} className="wh-event-code">
                        {e}
                      </code>
                    ))}
                  </p>
                </li>
              ))}
            </ul>
            <details className="wh-help">
              <summary>{t('wh.verify.heading')}</summary>
              <WebhooksExplainer />
            </details>
          </>
        )}
      </section>
      <CreateForm onCreated={onCreated} />
    </div>
  );
}

/** /developers/webhooks: your subscriptions and the form to add one. */
export function WebhooksPage() {
  const t = useT();
  useDocumentTitle(t('wh.title'));
  return (
    <>
      <nav aria-label={t('dev.common.breadcrumb')} className="breadcrumb">
        <Link to="/developers">{t('dev.portal.heading')}</Link>
      </nav>
      <div className="page-heading">
        <h1>{t('wh.heading')}</h1>
        <p className="lead">{t('wh.lead')}</p>
      </div>
      <RequireUser>{() => <WebhookList />}</RequireUser>
    </>
  );
}
