import { ScopePicker } from '../../ui/ScopePicker';
import { useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import { useTokenActions, type CreatedAccessToken } from '../../api/platform';
import { useT } from '../../i18n/I18nProvider';
import { TextField } from '../../ui/Field';
import { ErrorAlert } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';

type F = 'name' | 'scopes' | 'expiresAt';

/** End of the chosen day, local time, as ISO 8601. */
function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

export function CreateTokenForm({ onCreated }: { onCreated: (token: CreatedAccessToken) => void }) {
  const t = useT();
  const action = useAction();
  const tokens = useTokenActions();
  const errors = useFormErrors<F>(action);
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [expiresAt, setExpiresAt] = useState('');
  const today = new Date().toISOString().slice(0, 10);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!errors.accept(v.validate({ name, scopes: '', expiresAt }, { name: v.required }))) return;
    const body: { name: string; scopes: string[]; expiresAt?: string } = { name: name.trim(), scopes: selected };
    if (expiresAt) body.expiresAt = endOfDay(expiresAt);
    const result = await action.run(() => tokens.create(body));
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
      <TextField
        label={t('tokens.name')}
        hint={t('tokens.nameHint')}
        required
        maxLength={100}
        value={name}
        onValueChange={setName}
        error={errors.errorFor('name')}
      />
      <ScopePicker
        idPrefix="token"
        legend={t('tokens.scopes')}
        error={scopeError}
        emptyText={t('tokens.noScopes')}
        selected={selected}
        onChange={setSelected}
      />
      <TextField
        label={t('tokens.expiresAt')}
        hint={t('tokens.expiresHint')}
        type="date"
        min={today}
        value={expiresAt}
        onValueChange={setExpiresAt}
        error={errors.errorFor('expiresAt')}
      />
      <button type="submit" className="button" disabled={action.pending}>
        {t('tokens.create')}
      </button>
    </form>
  );
}
