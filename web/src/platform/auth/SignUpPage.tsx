import { useState, type FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router-dom';
import { auth } from '../../api/platform';
import { useAction } from '../../api/hooks';
import { useT } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { TextField } from '../../ui/Field';
import { ErrorAlert } from '../../ui/Messages';
import { safeNext, signInPath } from '../../ui/navigation';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';

type F = 'email' | 'password' | 'handle' | 'name';
const FIELDS: F[] = ['email', 'password', 'handle', 'name'];

export function SignUpPage() {
  const t = useT();
  useDocumentTitle(t('signup.title'));
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const { user, refresh } = useSession();
  const action = useAction();
  const errors = useFormErrors<F>(action);
  const [values, setValues] = useState<Record<F, string>>({ email: '', password: '', handle: '', name: '' });
  const set = (field: F) => (value: string) => setValues((prev) => ({ ...prev, [field]: value }));

  if (user) return <Navigate to={next} replace />;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = errors.accept(
      v.validate(values, { email: v.email, password: v.password, handle: v.handle, name: v.required }),
    );
    if (!ok) return;
    const result = await action.run(() =>
      auth.register({
        email: values.email.trim(),
        password: values.password,
        handle: values.handle,
        name: values.name.trim(),
      }),
    );
    if (result.ok) await refresh(); // the session cookie is set: <Navigate> takes over
  };

  return (
    <div className="narrow">
      <h1>{t('signup.heading')}</h1>
      <ErrorAlert error={action.error} shownFields={FIELDS} />
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="form">
        <TextField
          label={t('field.email')}
          type="email"
          autoComplete="email"
          required
          value={values.email}
          onValueChange={set('email')}
          error={errors.errorFor('email')}
        />
        <TextField
          label={t('field.password')}
          type="password"
          autoComplete="new-password"
          required
          minLength={v.PASSWORD_MIN_LENGTH}
          hint={t('field.passwordHint')}
          value={values.password}
          onValueChange={set('password')}
          error={errors.errorFor('password')}
        />
        <TextField
          label={t('field.handle')}
          autoComplete="username"
          required
          autoCapitalize="none"
          spellCheck={false}
          pattern={v.HANDLE_PATTERN}
          maxLength={39}
          hint={t('field.handleHint')}
          value={values.handle}
          onValueChange={(value) => set('handle')(value.toLowerCase())}
          error={errors.errorFor('handle')}
        />
        <TextField
          label={t('field.name')}
          autoComplete="name"
          required
          value={values.name}
          onValueChange={set('name')}
          error={errors.errorFor('name')}
        />
        <button type="submit" className="button" disabled={action.pending}>
          {t('signup.submit')}
        </button>
        {action.pending && (
          <p role="status" className="muted">
            {t('signup.pending')}
          </p>
        )}
      </form>
      <p>
        {t('signup.haveAccount')} <Link to={params.get('next') ? signInPath(next) : '/signin'}>{t('nav.signIn')}</Link>
      </p>
    </div>
  );
}
