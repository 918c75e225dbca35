import { useState, type FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router-dom';
import { apiUrl } from '../../api/client';
import { useAction } from '../../api/hooks';
import { auth, useAuthProviders } from '../../api/platform';
import { useT } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { TextField } from '../../ui/Field';
import { ErrorAlert } from '../../ui/Messages';
import { safeNext } from '../../ui/navigation';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';

type F = 'email' | 'password';

function ProviderButtons({ next }: { next: string }) {
  const t = useT();
  const providers = useAuthProviders();
  const list = providers.data?.providers ?? [];
  if (list.length === 0) return null; // none configured, or the list failed: password sign-in still works
  return (
    <section aria-labelledby="signin-providers" className="providers">
      <h2 id="signin-providers" className="h3">
        {t('signin.providers')}
      </h2>
      <ul className="button-list">
        {list.map((p) => (
          <li key={p.id}>
            {/* Full-page navigation: the server redirects to the identity provider. */}
            <a
              className="button button--secondary button--block"
              href={`${apiUrl(`/auth/oidc/${encodeURIComponent(p.id)}/start`)}?next=${encodeURIComponent(next)}`}
            >
              {t('signin.withProvider', { name: p.name })}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SignInPage() {
  const t = useT();
  useDocumentTitle(t('signin.title'));
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const { user, refresh } = useSession();
  const action = useAction();
  const errors = useFormErrors<F>(action);
  const [values, setValues] = useState<Record<F, string>>({ email: '', password: '' });
  const set = (field: F) => (value: string) => setValues((prev) => ({ ...prev, [field]: value }));

  if (user) return <Navigate to={next} replace />;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!errors.accept(v.validate(values, { email: v.email, password: v.required }))) return;
    const result = await action.run(() => auth.login({ email: values.email.trim(), password: values.password }));
    if (result.ok) await refresh();
  };

  return (
    <div className="narrow">
      <h1>{t('signin.heading')}</h1>
      <ErrorAlert error={action.error} shownFields={['email', 'password']} />
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
          autoComplete="current-password"
          required
          value={values.password}
          onValueChange={set('password')}
          error={errors.errorFor('password')}
        />
        <button type="submit" className="button" disabled={action.pending}>
          {t('signin.submit')}
        </button>
        {action.pending && (
          <p role="status" className="muted">
            {t('signin.pending')}
          </p>
        )}
      </form>
      <p>
        <Link to="/reset-password">{t('signin.forgot')}</Link>
      </p>
      <ProviderButtons next={next} />
      <p>
        {t('signin.noAccount')}{' '}
        <Link to={params.get('next') ? `/signup?next=${encodeURIComponent(next)}` : '/signup'}>{t('nav.signUp')}</Link>
      </p>
    </div>
  );
}
