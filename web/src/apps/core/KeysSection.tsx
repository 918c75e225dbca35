import { ScopePicker } from '../../ui/ScopePicker';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import {
  isSensitiveScope,
  useApiKeyActions,
  useApiKeys,
  type ApiKey,
  type CreatedApiKey,
  type RotatedApiKey,
} from '../../api/developers';
import type { MessageKey } from '../../i18n/en';
import { useI18n, useT } from '../../i18n/I18nProvider';
import { SelectField, TextField } from '../../ui/Field';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { Disclosure } from '../../ui/Disclosure';
import { TableWrap } from '../../ui/TableWrap';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';
import { ConfirmButton } from './ConfirmButton';
import { SecretNotice } from './SecretNotice';

const OVERLAPS: Array<{ seconds: number; label: MessageKey }> = [
  { seconds: 86_400, label: 'dev.key.overlap.day' },
  { seconds: 3_600, label: 'dev.key.overlap.hour' },
  { seconds: 7 * 86_400, label: 'dev.key.overlap.week' },
  { seconds: 30 * 86_400, label: 'dev.key.overlap.month' },
  { seconds: 0, label: 'dev.key.overlap.none' },
];

function CreateKeyForm({ appId, onCreated }: { appId: string; onCreated: (key: CreatedApiKey) => void }) {
  const t = useT();
  const action = useAction();
  const keys = useApiKeyActions(appId);
  const errors = useFormErrors<'name' | 'scopes' | 'expiresAt'>(action);
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [expiresAt, setExpiresAt] = useState('');
  const today = new Date().toISOString().slice(0, 10);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const scopesCheck = () => (selected.length ? null : ('dev.key.scopesRequired' as const));
    if (!errors.accept(v.validate({ name, scopes: '', expiresAt }, { name: v.required, scopes: scopesCheck }))) return;
    const body = {
      name: name.trim(),
      scopes: selected,
      ...(expiresAt ? { expiresAt: new Date(`${expiresAt}T23:59:59`).toISOString() } : {}),
    };
    const result = await action.run(() => keys.create(body));
    if (result.ok) {
      onCreated(result.value);
      setName('');
      setSelected([]);
      setExpiresAt('');
    }
  };
  const scopeError = errors.errorFor('scopes');

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="form subpanel" aria-labelledby="new-key-heading">
      <h3 id="new-key-heading">{t('dev.key.newHeading')}</h3>
      <ErrorAlert error={action.error} shownFields={['name', 'scopes', 'expiresAt']} />
      <TextField
        label={t('dev.key.name')}
        hint={t('dev.key.nameHint')}
        required
        maxLength={100}
        value={name}
        onValueChange={setName}
        error={errors.errorFor('name')}
      />
      <ScopePicker
        idPrefix="key"
        legend={t('dev.key.scopes')}
        hint={t('dev.key.scopesHint')}
        error={scopeError}
        selected={selected}
        onChange={setSelected}
        badgeFor={(id) => (isSensitiveScope(id) ? t('dev.key.sensitive') : null)}
      />
      <TextField
        label={t('dev.key.expiresAt')}
        hint={t('dev.key.expiresHint')}
        type="date"
        min={today}
        value={expiresAt}
        onValueChange={setExpiresAt}
        error={errors.errorFor('expiresAt')}
      />
      <button type="submit" className="button" disabled={action.pending}>
        {t('dev.key.create')}
      </button>
    </form>
  );
}

function RotatePanel({
  appId,
  apiKey,
  onRotated,
  onCancel,
}: {
  appId: string;
  apiKey: ApiKey;
  onRotated: (r: RotatedApiKey) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const action = useAction();
  const keys = useApiKeyActions(appId);
  const [overlap, setOverlap] = useState('86400');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await action.run(() => keys.rotate(apiKey.id, Number(overlap)));
    if (result.ok) onRotated(result.value);
  };
  return (
    <form onSubmit={(e) => void onSubmit(e)} className="form subpanel" aria-labelledby="rotate-heading">
      <h3 id="rotate-heading" ref={heading} tabIndex={-1}>
        {t('dev.key.rotateHeading', { name: apiKey.name })}
      </h3>
      <p className="muted">{t('dev.key.rotateIntro')}</p>
      <ErrorAlert error={action.error} />
      <SelectField
        label={t('dev.key.overlap')}
        value={overlap}
        onValueChange={setOverlap}
        options={OVERLAPS.map((o) => ({ value: String(o.seconds), label: t(o.label) }))}
      />
      <div className="inline-list">
        <button type="submit" className="button" disabled={action.pending}>
          {t('dev.key.rotate')}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('dev.common.cancel')}
        </button>
      </div>
    </form>
  );
}

export function KeysSection({ appId }: { appId: string }) {
  const { t, formatDate, formatDateTime } = useI18n();
  const errorMessage = useErrorMessage();
  const keys = useApiKeys(appId);
  const actions = useApiKeyActions(appId);
  const revoke = useAction();
  const [secret, setSecret] = useState<CreatedApiKey | null>(null);
  const [rotating, setRotating] = useState<ApiKey | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const items = keys.data?.items ?? [];

  const onCreated = (key: CreatedApiKey) => {
    setSecret(key);
    setStatus(t('dev.key.created', { name: key.name }));
  };
  // The key actions refresh the list; the secret is kept here only, never in the cached list.
  const onRotated = ({ key }: RotatedApiKey) => {
    setRotating(null);
    setSecret(key);
    setStatus(t('dev.key.rotated', { name: key.name }));
  };
  const onRevoke = async (key: ApiKey) => {
    setStatus(null);
    const result = await revoke.run(() => actions.revoke(key.id));
    if (!result.ok) return;
    if (secret?.id === key.id) setSecret(null);
    setStatus(t('dev.key.revoked', { name: key.name }));
  };

  return (
    <section aria-labelledby="keys-heading" className="panel">
      <h2 id="keys-heading">{t('dev.key.heading')}</h2>
      <p className="muted">{t('dev.key.intro')}</p>
      <StatusMessage>{status}</StatusMessage>
      <ErrorAlert error={revoke.error} />
      {secret && (
        <SecretNotice
          heading={t('dev.key.secretHeading', { name: secret.name })}
          fields={[{ label: t('dev.key.secretLabel'), value: secret.key }]}
          onDismiss={() => setSecret(null)}
        />
      )}
      {keys.loading && !keys.data ? (
        <Loading />
      ) : keys.error ? (
        <p className="notice notice--error">{errorMessage(keys.error)}</p>
      ) : items.length === 0 ? (
        <p className="empty-state">{t('dev.key.empty')}</p>
      ) : (
        <TableWrap label={t('dev.key.heading')}>
          <table>
            <caption className="visually-hidden">{t('dev.key.heading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dev.key.col.name')}</th>
                <th scope="col">{t('dev.key.col.prefix')}</th>
                <th scope="col">{t('dev.key.col.scopes')}</th>
                <th scope="col">{t('dev.key.col.status')}</th>
                <th scope="col">{t('dev.key.col.expires')}</th>
                <th scope="col">{t('dev.key.col.lastUsed')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((key) => (
                <tr key={key.id}>
                  <th scope="row">{key.name}</th>
                  <td>
                    <code className="key-prefix">{key.prefix}…</code>
                  </td>
                  <td>
                    {key.scopes.map((s) => (
                      <code key={s} className="tag">
                        {s}
                      </code>
                    ))}
                  </td>
                  <td>
                    <span className={`status-pill key-status--${key.status}`}>{t(`dev.key.status.${key.status}`)}</span>
                  </td>
                  <td>
                    {key.expiresAt ? (
                      <time dateTime={key.expiresAt}>
                        {key.status === 'rotating' ? formatDateTime(key.expiresAt) : formatDate(key.expiresAt)}
                      </time>
                    ) : (
                      t('common.never')
                    )}
                  </td>
                  <td>
                    {key.lastUsedAt ? (
                      <time dateTime={key.lastUsedAt}>{formatDateTime(key.lastUsedAt)}</time>
                    ) : (
                      t('common.never')
                    )}
                  </td>
                  <td>
                    {(key.status === 'active' || key.status === 'rotating') && (
                      <div className="row-actions">
                        {key.status === 'active' && (
                          <button
                            type="button"
                            className="button button--small button--secondary"
                            onClick={() => setRotating(key)}
                          >
                            {t('dev.key.rotate')}
                            <span className="visually-hidden"> {key.name}</span>
                          </button>
                        )}
                        <ConfirmButton
                          disabled={revoke.pending}
                          label={
                            <>
                              {t('dev.key.revoke')}
                              <span className="visually-hidden"> {key.name}</span>
                            </>
                          }
                          question={t('dev.key.revokeQuestion', { name: key.name })}
                          confirmLabel={t('dev.key.revokeConfirm')}
                          onConfirm={() => onRevoke(key)}
                        />
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {rotating && (
        <RotatePanel
          key={rotating.id}
          appId={appId}
          apiKey={rotating}
          onRotated={onRotated}
          onCancel={() => setRotating(null)}
        />
      )}
      <Disclosure label={t('dev.key.newHeading')}>
        {(close) => (
          <CreateKeyForm
            appId={appId}
            onCreated={(key) => {
              onCreated(key);
              close();
            }}
          />
        )}
      </Disclosure>
    </section>
  );
}
