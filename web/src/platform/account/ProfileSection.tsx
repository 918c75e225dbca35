import { useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import { useAccountActions, type User } from '../../api/platform';
import { useI18n } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { TextField } from '../../ui/Field';
import { Disclosure } from '../../ui/Disclosure';
import { ErrorAlert, StatusMessage } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';

export function ProfileSection({ user }: { user: User }) {
  const { t, formatDate } = useI18n();
  const { setUser } = useSession();
  const action = useAction();
  const account = useAccountActions();
  const errors = useFormErrors<'name'>(action);
  const [name, setName] = useState(user.name);
  const [saved, setSaved] = useState(false);

  const onSubmit = async (e: FormEvent, close: () => void) => {
    e.preventDefault();
    setSaved(false);
    if (!errors.accept(v.validate({ name }, { name: v.required }))) return;
    const result = await action.run(() => account.updateProfile({ name: name.trim() }));
    if (result.ok) {
      setUser(
        result.value && typeof result.value === 'object'
          ? { ...user, ...result.value }
          : { ...user, name: name.trim() },
      );
      setSaved(true);
      close();
    }
  };

  return (
    <section aria-labelledby="profile-heading" className="panel">
      <h2 id="profile-heading">{t('account.profile.heading')}</h2>
      <dl className="details">
        <div>
          <dt>{t('field.name')}</dt>
          <dd>{user.name}</dd>
        </div>
        <div>
          <dt>{t('account.profile.handle')}</dt>
          <dd>@{user.handle}</dd>
        </div>
        <div>
          <dt>{t('account.profile.email')}</dt>
          <dd>{user.email}</dd>
        </div>
        <div>
          <dt>{t('account.profile.verification')}</dt>
          <dd>
            {user.emailVerified ? (
              <span className="badge badge--success">{t('account.profile.verified')}</span>
            ) : (
              t('account.profile.unverified')
            )}
          </dd>
        </div>
        <div>
          <dt>{t('account.profile.since')}</dt>
          <dd>
            <time dateTime={user.createdAt}>{formatDate(user.createdAt)}</time>
          </dd>
        </div>
        {user.isAdmin && (
          <div>
            <dt>{t('account.profile.role')}</dt>
            <dd>{t('account.profile.admin')}</dd>
          </div>
        )}
      </dl>

      <StatusMessage>{saved && t('account.profile.saved')}</StatusMessage>
      <Disclosure label={t('account.profile.editName')}>
        {(close) => (
          <>
            <ErrorAlert error={action.error} shownFields={['name']} />
            <form onSubmit={(e) => void onSubmit(e, close)} noValidate className="form form--inline">
              <TextField
                label={t('field.name')}
                autoComplete="name"
                required
                value={name}
                onValueChange={(value) => {
                  setName(value);
                  setSaved(false);
                }}
                error={errors.errorFor('name')}
              />
              <button type="submit" className="button" disabled={action.pending}>
                {t('account.profile.saveName')}
              </button>
            </form>
          </>
        )}
      </Disclosure>
    </section>
  );
}
