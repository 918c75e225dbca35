import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useAction, useApiGet } from '../../api/hooks';
import type { CreatedAccessToken, TokenScope } from '../../api/types';
import { useT } from '../../i18n/I18nProvider';
import { TextField } from '../../ui/Field';
import { ErrorAlert, Loading } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';

type F = 'name' | 'scopes' | 'expiresAt';

/** End of the chosen day, local time, as ISO 8601. */
function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

export function CreateTokenForm({ onCreated }: { onCreated: (token: CreatedAccessToken) => void }) {
  const t = useT();
  const scopes = useApiGet<{ scopes: TokenScope[] }>('/me/token-scopes');
  const action = useAction();
  const errors = useFormErrors<F>(action);
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [expiresAt, setExpiresAt] = useState('');
  const today = new Date().toISOString().slice(0, 10);

  const toggle = (id: string, on: boolean) =>
    setSelected((prev) => (on ? [...prev, id] : prev.filter((s) => s !== id)));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!errors.accept(v.validate({ name, scopes: '', expiresAt }, { name: v.required }))) return;
    const body: { name: string; scopes: string[]; expiresAt?: string } = { name: name.trim(), scopes: selected };
    if (expiresAt) body.expiresAt = endOfDay(expiresAt);
    const result = await action.run(() => api.post<CreatedAccessToken>('/me/tokens', body));
    if (result.ok) {
      onCreated(result.value);
      setName('');
      setSelected([]);
      setExpiresAt('');
    }
  };

  const scopeError = errors.errorFor('scopes');

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="form subpanel" aria-labelledby="new-token-heading">
      <h3 id="new-token-heading">{t('tokens.new.heading')}</h3>
      <ErrorAlert error={action.error} shownFields={['name', 'scopes', 'expiresAt']} />
      <TextField label={t('tokens.name')} hint={t('tokens.nameHint')} required maxLength={100}
        value={name} onValueChange={setName} error={errors.errorFor('name')} />
      <fieldset className="field" aria-describedby={scopeError ? 'token-scopes-error' : undefined}>
        <legend>{t('tokens.scopes')}</legend>
        {scopeError && <p id="token-scopes-error" className="field__error">{scopeError}</p>}
        {scopes.loading && !scopes.data ? (
          <Loading />
        ) : (scopes.data?.scopes ?? []).length === 0 ? (
          <p className="muted">{t('tokens.noScopes')}</p>
        ) : (
          <ul className="checkbox-list">
            {(scopes.data?.scopes ?? []).map((scope) => (
              <li key={scope.id}>
                <input type="checkbox" id={`scope-${scope.id}`} checked={selected.includes(scope.id)}
                  onChange={(e) => toggle(scope.id, e.target.checked)} />
                <label htmlFor={`scope-${scope.id}`}>
                  <code>{scope.id}</code> <span className="muted">— {scope.description}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <TextField label={t('tokens.expiresAt')} hint={t('tokens.expiresHint')} type="date" min={today}
        value={expiresAt} onValueChange={setExpiresAt} error={errors.errorFor('expiresAt')} />
      <button type="submit" className="button" disabled={action.pending}>
        {t('tokens.create')}
      </button>
    </form>
  );
}
