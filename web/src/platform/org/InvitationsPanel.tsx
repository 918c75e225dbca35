import { useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import {
  ASSIGNABLE_ROLES,
  itemsOf,
  useMembershipActions,
  useOrgInvitations,
  type AssignableRole,
  type Invitation,
  type Organization,
} from '../../api/platform';
import { TableWrap } from '../../ui/TableWrap';
import { useI18n } from '../../i18n/I18nProvider';
import { SelectField, TextField } from '../../ui/Field';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';

type F = 'email' | 'role';

export function InvitationsPanel({ org }: { org: Organization }) {
  const { t, formatDate } = useI18n();
  const errorMessage = useErrorMessage();
  const invitations = useOrgInvitations(org.slug);
  const membership = useMembershipActions(org.slug);
  const invite = useAction();
  const withdraw = useAction();
  const errors = useFormErrors<F>(invite);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<AssignableRole>('member');
  const [status, setStatus] = useState<string | null>(null);
  const items = itemsOf(invitations.data);

  const onInvite = async (e: FormEvent) => {
    e.preventDefault();
    setStatus(null);
    if (!errors.accept(v.validate({ email, role }, { email: v.email }))) return;
    const address = email.trim();
    const result = await invite.run(() => membership.invite(address, role));
    if (!result.ok) return;
    setStatus(t('inv.sent', { email: address }));
    setEmail('');
  };

  const onWithdraw = async (inv: Invitation) => {
    setStatus(null);
    const result = await withdraw.run(() => membership.revokeInvitation(inv.id));
    if (!result.ok) return;
    setStatus(t('inv.withdrawn', { email: inv.email }));
  };

  return (
    <div className="stack">
      <StatusMessage>{status}</StatusMessage>
      <section aria-labelledby="inv-new-heading" className="subpanel">
        <h2 id="inv-new-heading">{t('inv.new.heading')}</h2>
        <p className="muted">{t('inv.new.body')}</p>
        <ErrorAlert error={invite.error} shownFields={['email', 'role']} />
        <form onSubmit={(e) => void onInvite(e)} noValidate className="form">
          <TextField
            label={t('inv.email')}
            type="email"
            autoComplete="off"
            required
            value={email}
            onValueChange={setEmail}
            error={errors.errorFor('email')}
          />
          <SelectField
            label={t('inv.role')}
            value={role}
            onValueChange={(value) => setRole(value as AssignableRole)}
            error={errors.errorFor('role')}
            options={ASSIGNABLE_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
          />
          <button type="submit" className="button" disabled={invite.pending}>
            {t('inv.submit')}
          </button>
        </form>
      </section>

      <section aria-labelledby="inv-heading">
        <h2 id="inv-heading">{t('inv.heading')}</h2>
        <ErrorAlert error={withdraw.error} />
        {invitations.loading && !invitations.data ? (
          <Loading />
        ) : invitations.error ? (
          <p className="notice notice--error">{errorMessage(invitations.error)}</p>
        ) : items.length === 0 ? (
          <p className="empty-state">{t('inv.empty')}</p>
        ) : (
          <TableWrap label={t('inv.heading')}>
            <table>
              <caption className="visually-hidden">{t('inv.heading')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('inv.col.email')}</th>
                  <th scope="col">{t('inv.col.role')}</th>
                  <th scope="col">{t('inv.col.sent')}</th>
                  <th scope="col">{t('inv.col.expires')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((inv) => (
                  <tr key={inv.id}>
                    <th scope="row">{inv.email}</th>
                    <td>{t(`role.${inv.role}`)}</td>
                    <td>
                      <time dateTime={inv.createdAt}>{formatDate(inv.createdAt)}</time>
                    </td>
                    <td>
                      <time dateTime={inv.expiresAt}>{formatDate(inv.expiresAt)}</time>
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button button--small button--danger"
                        disabled={withdraw.pending}
                        onClick={() => void onWithdraw(inv)}
                      >
                        {t('inv.withdraw')}
                        <span className="visually-hidden"> {t('inv.withdrawTarget', { email: inv.email })}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
    </div>
  );
}
