import { useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import { itemsOf, useMyOrganizations } from '../../api/platform';
import { useDevAppActions, type CreatedDevApp, type DevApp } from '../../api/developers';
import type { MessageKey } from '../../i18n/en';
import { useT } from '../../i18n/I18nProvider';
import { SelectField, TextAreaField, TextField } from '../../ui/Field';
import { ErrorAlert } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';

type F = 'name' | 'description' | 'homepage' | 'redirectUris' | 'organization';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Mirrors the server: absolute, https (http on loopback hosts only), no fragment. */
export function redirectUrisCheck(text: string): MessageKey | null {
  for (const line of splitLines(text)) {
    if (line.includes('#')) return 'dev.app.redirectFragment';
    let url: URL;
    try {
      url = new URL(line);
    } catch {
      return 'dev.app.redirectInvalid';
    }
    if (url.protocol === 'https:') continue;
    if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) continue;
    return 'dev.app.redirectHttps';
  }
  return null;
}

export const splitLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Registers an app (no `app`) or edits one. */
export function AppForm({ app, onSaved }: { app?: DevApp; onSaved: (app: DevApp | CreatedDevApp) => void }) {
  const t = useT();
  const action = useAction();
  const apps = useDevAppActions();
  const errors = useFormErrors<F>(action);
  const orgs = useMyOrganizations(!app);
  const [name, setName] = useState(app?.name ?? '');
  const [description, setDescription] = useState(app?.description ?? '');
  const [homepage, setHomepage] = useState(app?.homepage ?? '');
  const [redirectUris, setRedirectUris] = useState((app?.redirectUris ?? []).join('\n'));
  const [organization, setOrganization] = useState('');
  const [saved, setSaved] = useState(false);
  const managed = itemsOf(orgs.data).filter((o) => o.role === 'owner' || o.role === 'admin');
  const prefix = app ? 'edit-app' : 'new-app';

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const values = { name, description, homepage, redirectUris, organization };
    if (
      !errors.accept(
        v.validate<F>(values, { name: v.required, homepage: v.optionalUrl, redirectUris: redirectUrisCheck }),
      )
    )
      return;
    const body = {
      name: name.trim(),
      description: description.trim(),
      homepage: homepage.trim() || null,
      redirectUris: splitLines(redirectUris),
      ...(!app && organization ? { organization } : {}),
    };
    const result = await action.run(() => (app ? apps.update(app.id, body) : apps.create(body)));
    if (result.ok) {
      setSaved(true);
      onSaved(result.value);
    }
  };

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="form subpanel" aria-labelledby={`${prefix}-heading`}>
      <h2 id={`${prefix}-heading`}>{app ? t('dev.app.editHeading') : t('dev.app.registerHeading')}</h2>
      <ErrorAlert
        error={action.error}
        shownFields={['name', 'description', 'homepage', 'redirectUris', 'organization']}
      />
      <TextField
        label={t('dev.app.name')}
        required
        maxLength={100}
        value={name}
        onValueChange={setName}
        error={errors.errorFor('name')}
      />
      <TextAreaField
        label={t('dev.app.description')}
        hint={t('dev.app.descriptionHint')}
        maxLength={2000}
        rows={3}
        value={description}
        onValueChange={setDescription}
        error={errors.errorFor('description')}
      />
      <TextField
        label={t('dev.app.homepage')}
        hint={t('dev.app.homepageHint')}
        type="url"
        inputMode="url"
        maxLength={500}
        value={homepage}
        onValueChange={setHomepage}
        error={errors.errorFor('homepage')}
      />
      <TextAreaField
        label={t('dev.app.redirectUris')}
        hint={t('dev.app.redirectUrisHint')}
        rows={3}
        className="mono-field"
        spellCheck={false}
        value={redirectUris}
        onValueChange={setRedirectUris}
        error={errors.errorFor('redirectUris')}
      />
      {!app && managed.length > 0 && (
        <SelectField
          label={t('dev.app.organization')}
          hint={t('dev.app.organizationHint')}
          value={organization}
          onValueChange={setOrganization}
          error={errors.errorFor('organization')}
          options={[
            { value: '', label: t('dev.app.personal') },
            ...managed.map((o) => ({ value: o.slug, label: o.name })),
          ]}
        />
      )}
      <p role="status" className="live-region">
        {saved && app ? t('dev.app.saved') : ''}
      </p>
      <button type="submit" className="button" disabled={action.pending}>
        {action.pending ? t('common.saving') : app ? t('common.save') : t('dev.app.register')}
      </button>
    </form>
  );
}
