import { useState } from 'react';
import { useAction } from '../../api/hooks';
import { itemsOf, useMyTokens, useTokenActions, type AccessToken, type CreatedAccessToken } from '../../api/platform';
import { TableWrap } from '../../ui/TableWrap';
import { useI18n } from '../../i18n/I18nProvider';
import { CopyField } from '../../ui/CopyField';
import { Disclosure } from '../../ui/Disclosure';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { CreateTokenForm } from './CreateTokenForm';

function NewTokenNotice({ token, onDismiss }: { token: CreatedAccessToken; onDismiss: () => void }) {
  const { t } = useI18n();
  return (
    <div className="notice notice--warning new-token">
      <h3>{t('tokens.created.heading')}</h3>
      <p>
        <strong>{t('tokens.created.warning')}</strong>
      </p>
      <CopyField label={t('tokens.created.label')} value={token.token} />
      <button type="button" className="button button--secondary" onClick={onDismiss}>
        {t('tokens.created.dismiss')}
      </button>
    </div>
  );
}

export function TokensSection() {
  const { t, formatDate, formatDateTime } = useI18n();
  const errorMessage = useErrorMessage();
  const tokens = useMyTokens();
  const actions = useTokenActions();
  const revoke = useAction();
  const [created, setCreated] = useState<CreatedAccessToken | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const items = itemsOf(tokens.data);

  const onCreated = (token: CreatedAccessToken) => {
    setCreated(token);
    setStatus(t('tokens.created.status', { name: token.name }));
  };

  const onRevoke = async (token: AccessToken) => {
    setStatus(null);
    const result = await revoke.run(() => actions.revoke(token.id));
    if (!result.ok) return;
    if (created?.id === token.id) setCreated(null);
    setStatus(t('tokens.revoked', { name: token.name }));
  };

  return (
    <section aria-labelledby="tokens-heading" className="panel">
      <h2 id="tokens-heading">{t('tokens.heading')}</h2>
      <p className="muted">{t('tokens.intro')}</p>
      <StatusMessage>{status}</StatusMessage>
      <ErrorAlert error={revoke.error} />
      {created && <NewTokenNotice token={created} onDismiss={() => setCreated(null)} />}

      {tokens.loading && !tokens.data ? (
        <Loading />
      ) : tokens.error ? (
        <p className="notice notice--error">{errorMessage(tokens.error)}</p>
      ) : items.length === 0 ? (
        <p className="empty-state">{t('tokens.empty')}</p>
      ) : (
        <TableWrap label={t('tokens.heading')}>
          <table>
            <caption className="visually-hidden">{t('tokens.heading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('tokens.col.name')}</th>
                <th scope="col">{t('tokens.col.prefix')}</th>
                <th scope="col">{t('tokens.col.scopes')}</th>
                <th scope="col">{t('tokens.col.created')}</th>
                <th scope="col">{t('tokens.col.expires')}</th>
                <th scope="col">{t('tokens.col.lastUsed')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((token) => (
                <tr key={token.id}>
                  <th scope="row">{token.name}</th>
                  <td>
                    <code>{token.prefix}…</code>
                  </td>
                  <td>
                    {token.scopes.length
                      ? token.scopes.map((s) => (
                          <code key={s} className="tag">
                            {s}
                          </code>
                        ))
                      : '—'}
                  </td>
                  <td>
                    <time dateTime={token.createdAt}>{formatDate(token.createdAt)}</time>
                  </td>
                  <td>
                    {token.expiresAt ? (
                      <time dateTime={token.expiresAt}>{formatDate(token.expiresAt)}</time>
                    ) : (
                      t('common.never')
                    )}
                  </td>
                  <td>
                    {token.lastUsedAt ? (
                      <time dateTime={token.lastUsedAt}>{formatDateTime(token.lastUsedAt)}</time>
                    ) : (
                      t('common.never')
                    )}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button--small button--danger"
                      disabled={revoke.pending}
                      onClick={() => void onRevoke(token)}
                    >
                      {t('tokens.revoke')}
                      <span className="visually-hidden"> {t('tokens.revokeTarget', { name: token.name })}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}

      <Disclosure label={t('tokens.new.heading')}>
        {(close) => (
          <CreateTokenForm
            onCreated={(token) => {
              onCreated(token);
              close();
            }}
          />
        )}
      </Disclosure>
    </section>
  );
}
