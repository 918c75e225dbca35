import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { auth } from '../../api/platform';
import { useAction } from '../../api/hooks';
import { useT } from '../../i18n/I18nProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { TextField } from '../../ui/Field';
import { ErrorAlert, StatusMessage } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';

function RequestForm() {
  const t = useT();
  const action = useAction();
  const errors = useFormErrors<'email'>(action);
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!errors.accept(v.validate({ email }, { email: v.email }))) return;
    const result = await action.run(() => auth.requestPasswordReset(email.trim()));
    if (result.ok) setSentTo(email.trim());
  };

  return (
    <>
      <p>{t('reset.requestBody')}</p>
      <ErrorAlert error={action.error} shownFields={['email']} />
      <StatusMessage>{sentTo && t('reset.requestSent', { email: sentTo })}</StatusMessage>
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="form">
        <TextField
          label={t('field.email')}
          type="email"
          autoComplete="email"
          required
          value={email}
          onValueChange={setEmail}
          error={errors.errorFor('email')}
        />
        <button type="submit" className="button" disabled={action.pending}>
          {t('reset.requestSubmit')}
        </button>
      </form>
    </>
  );
}

function ConfirmForm({ token }: { token: string }) {
  const t = useT();
  const action = useAction();
  const errors = useFormErrors<'password'>(action);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!errors.accept(v.validate({ password }, { password: v.password }))) return;
    const result = await action.run(() => auth.confirmPasswordReset(token, password));
    if (result.ok) setDone(true);
  };

  return (
    <>
      <ErrorAlert error={action.error} shownFields={['password']} />
      <StatusMessage>
        {done && (
          <>
            {t('reset.done')} <Link to="/signin">{t('nav.signIn')}</Link>
          </>
        )}
      </StatusMessage>
      {!done && (
        <form onSubmit={(e) => void onSubmit(e)} noValidate className="form">
          <TextField
            label={t('reset.newPassword')}
            type="password"
            autoComplete="new-password"
            required
            minLength={v.PASSWORD_MIN_LENGTH}
            hint={t('field.passwordHint')}
            value={password}
            onValueChange={setPassword}
            error={errors.errorFor('password')}
          />
          <button type="submit" className="button" disabled={action.pending}>
            {t('reset.confirmSubmit')}
          </button>
        </form>
      )}
    </>
  );
}

export function ResetPasswordPage() {
  const t = useT();
  useDocumentTitle(t('reset.title'));
  const [params] = useSearchParams();
  const token = params.get('token');
  return (
    <div className="narrow">
      <h1>{t('reset.heading')}</h1>
      {token ? <ConfirmForm token={token} /> : <RequestForm />}
    </div>
  );
}
