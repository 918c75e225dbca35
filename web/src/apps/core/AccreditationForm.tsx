import { useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import {
  isSensitiveScope,
  SENSITIVE_SCOPES,
  useAccreditationActions,
  type Accreditation,
  type SensitiveScope,
} from '../../api/developers';
import type { MessageKey } from '../../i18n/en';
import { useT } from '../../i18n/I18nProvider';
import { TextAreaField, TextField } from '../../ui/Field';
import { ErrorAlert } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';

type F = 'organization' | 'scopes' | 'purpose' | 'legalBasis' | 'retention' | 'dpo';

const minLength =
  (n: number, key: MessageKey): v.Check =>
  (value) =>
    !value.trim() ? 'validation.required' : value.trim().length < n ? key : null;

/** Requests an accreditation (no `existing`) or edits one sent back for changes, which resubmits it. */
export function AccreditationForm({
  appId,
  existing,
  onSaved,
  onCancel,
}: {
  appId: string;
  existing?: Accreditation;
  onSaved: (a: Accreditation) => void;
  onCancel?: () => void;
}) {
  const t = useT();
  const action = useAction();
  const accreditations = useAccreditationActions();
  const errors = useFormErrors<F>(action);
  const [organization, setOrganization] = useState(existing?.organization.slug ?? '');
  const [scopes, setScopes] = useState<SensitiveScope[]>(() => (existing?.scopes ?? []).filter(isSensitiveScope));
  const [purpose, setPurpose] = useState(existing?.purpose ?? '');
  const [legalBasis, setLegalBasis] = useState(existing?.legalBasis ?? '');
  const [retention, setRetention] = useState(existing?.retention ?? '');
  const [dpoName, setDpoName] = useState(existing?.dpo.name ?? '');
  const [dpoEmail, setDpoEmail] = useState(existing?.dpo.email ?? '');
  const prefix = existing ? `acc-edit-${existing.id}` : 'acc-new';
  const toggle = (id: SensitiveScope, on: boolean) =>
    setScopes((prev) => (on ? [...prev, id] : prev.filter((s) => s !== id)));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const values = { organization, scopes: scopes.join(','), purpose, legalBasis, retention, dpo: dpoEmail };
    const ok = errors.accept(
      v.validate<F>(values, {
        organization: existing ? undefined : v.required,
        scopes: (s) => (s ? null : 'dev.key.scopesRequired'),
        purpose: minLength(10, 'dev.acc.purposeShort'),
        legalBasis: minLength(3, 'dev.acc.tooShort'),
        retention: minLength(2, 'dev.acc.tooShort'),
        dpo: (email) => (!dpoName.trim() ? 'validation.required' : v.email(email)),
      }),
    );
    if (!ok) return;
    const body = {
      scopes,
      purpose: purpose.trim(),
      legalBasis: legalBasis.trim(),
      retention: retention.trim(),
      dpo: { name: dpoName.trim(), email: dpoEmail.trim() },
    };
    const result = await action.run(() =>
      existing
        ? accreditations.update(existing.id, body)
        : accreditations.request(appId, { ...body, organization: organization.trim() }),
    );
    if (result.ok) onSaved(result.value);
  };
  const scopeError = errors.errorFor('scopes');

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="form subpanel" aria-labelledby={`${prefix}-heading`}>
      <h3 id={`${prefix}-heading`}>{existing ? t('dev.acc.editHeading') : t('dev.acc.newHeading')}</h3>
      {!existing && <p className="muted">{t('dev.acc.newIntro')}</p>}
      <ErrorAlert
        error={action.error}
        shownFields={['organization', 'scopes', 'purpose', 'legalBasis', 'retention', 'dpo']}
      />
      {!existing && (
        <TextField
          label={t('dev.acc.organization')}
          hint={t('dev.acc.organizationHint')}
          required
          maxLength={64}
          value={organization}
          onValueChange={setOrganization}
          error={errors.errorFor('organization')}
        />
      )}
      <fieldset className="field" aria-describedby={scopeError ? `${prefix}-scopes-error` : undefined}>
        <legend>{t('dev.acc.scopes')}</legend>
        {scopeError && (
          <p id={`${prefix}-scopes-error`} className="field__error">
            {scopeError}
          </p>
        )}
        <ul className="checkbox-list">
          {SENSITIVE_SCOPES.map((s) => (
            <li key={s}>
              <input
                type="checkbox"
                id={`${prefix}-scope-${s}`}
                checked={scopes.includes(s)}
                onChange={(e) => toggle(s, e.target.checked)}
              />
              <label htmlFor={`${prefix}-scope-${s}`}>
                <code>{s}</code>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <TextAreaField
        label={t('dev.acc.purpose')}
        hint={t('dev.acc.purposeHint')}
        required
        maxLength={5000}
        value={purpose}
        onValueChange={setPurpose}
        error={errors.errorFor('purpose')}
      />
      <TextAreaField
        label={t('dev.acc.legalBasis')}
        hint={t('dev.acc.legalBasisHint')}
        required
        rows={2}
        maxLength={2000}
        value={legalBasis}
        onValueChange={setLegalBasis}
        error={errors.errorFor('legalBasis')}
      />
      <TextField
        label={t('dev.acc.retention')}
        hint={t('dev.acc.retentionHint')}
        required
        maxLength={1000}
        value={retention}
        onValueChange={setRetention}
        error={errors.errorFor('retention')}
      />
      <fieldset className="fieldset-group">
        <legend>{t('dev.acc.dpo')}</legend>
        <TextField
          label={t('dev.acc.dpoName')}
          required
          maxLength={200}
          autoComplete="off"
          value={dpoName}
          onValueChange={setDpoName}
        />
        <TextField
          label={t('dev.acc.dpoEmail')}
          type="email"
          required
          maxLength={254}
          autoComplete="off"
          value={dpoEmail}
          onValueChange={setDpoEmail}
          error={errors.errorFor('dpo')}
        />
      </fieldset>
      <div className="inline-list">
        <button type="submit" className="button" disabled={action.pending}>
          {existing ? t('dev.acc.resubmit') : t('dev.acc.submit')}
        </button>
        {onCancel && (
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {t('dev.common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
