import { useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import { isManager, useMembershipActions, type Organization } from '../../api/platform';
import { useI18n } from '../../i18n/I18nProvider';
import { TextAreaField, TextField } from '../../ui/Field';
import { ErrorAlert, StatusMessage } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';

type F = 'name' | 'description' | 'url';

function EditOrganizationForm({
  org,
  onUpdated,
}: {
  org: Organization;
  onUpdated: (org: Partial<Organization>) => void;
}) {
  const { t } = useI18n();
  const action = useAction();
  const membership = useMembershipActions(org.slug);
  const errors = useFormErrors<F>(action);
  const [saved, setSaved] = useState(false);
  const [values, setValues] = useState<Record<F, string>>({
    name: org.name,
    description: org.description ?? '',
    url: org.url ?? '',
  });
  const set = (field: F) => (value: string) => {
    setSaved(false);
    setValues((prev) => ({ ...prev, [field]: value }));
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    if (!errors.accept(v.validate(values, { name: v.required, url: v.optionalUrl }))) return;
    const body = { name: values.name.trim(), description: values.description.trim(), url: values.url.trim() };
    const result = await action.run(() => membership.update(body));
    if (result.ok) {
      onUpdated(result.value);
      setSaved(true);
    }
  };

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="form subpanel" aria-labelledby="org-edit-heading">
      <h2 id="org-edit-heading">{t('org.edit.heading')}</h2>
      <ErrorAlert error={action.error} shownFields={['name', 'description', 'url']} />
      <StatusMessage>{saved && t('org.edit.saved')}</StatusMessage>
      <TextField
        label={t('org.edit.name')}
        required
        maxLength={100}
        value={values.name}
        onValueChange={set('name')}
        error={errors.errorFor('name')}
      />
      <TextAreaField
        label={t('org.edit.description')}
        value={values.description}
        onValueChange={set('description')}
        error={errors.errorFor('description')}
      />
      <TextField
        label={t('org.edit.url')}
        type="url"
        inputMode="url"
        autoComplete="url"
        placeholder="https://"
        value={values.url}
        onValueChange={set('url')}
        error={errors.errorFor('url')}
      />
      <button type="submit" className="button" disabled={action.pending}>
        {t('org.edit.submit')}
      </button>
    </form>
  );
}

export function OrgProfilePanel({
  org,
  onUpdated,
}: {
  org: Organization;
  onUpdated: (org: Partial<Organization>) => void;
}) {
  const { t, formatDate } = useI18n();
  return (
    <div className="stack">
      <section aria-labelledby="org-about-heading">
        <h2 id="org-about-heading">{t('org.about')}</h2>
        {org.description ? (
          <p className="prewrap">{org.description}</p>
        ) : (
          <p className="muted">{t('org.noDescription')}</p>
        )}
        <dl className="details">
          {org.url && (
            <div>
              <dt>{t('org.website')}</dt>
              <dd>
                <a href={org.url} rel="noopener noreferrer nofollow">
                  {org.url}
                </a>
              </dd>
            </div>
          )}
          <div>
            <dt>{t('org.membersCount')}</dt>
            <dd>{org.membersCount}</dd>
          </div>
          <div>
            <dt>{t('org.created')}</dt>
            <dd>
              <time dateTime={org.createdAt}>{formatDate(org.createdAt)}</time>
            </dd>
          </div>
          <div>
            <dt>{t('org.yourRole')}</dt>
            <dd>{org.viewerRole ? t(`role.${org.viewerRole}`) : t('org.notMember')}</dd>
          </div>
        </dl>
      </section>
      {isManager(org.viewerRole) && <EditOrganizationForm key={org.id} org={org} onUpdated={onUpdated} />}
    </div>
  );
}
