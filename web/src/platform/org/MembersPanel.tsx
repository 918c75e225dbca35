import { useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import {
  ASSIGNABLE_ROLES,
  isManager,
  itemsOf,
  useMembershipActions,
  useOrgMembers,
  type Member,
  type Organization,
  type Role,
} from '../../api/platform';
import { TableWrap } from '../../ui/TableWrap';
import { useI18n } from '../../i18n/I18nProvider';
import { SelectField } from '../../ui/Field';
import { ErrorAlert, Loading, useErrorMessage } from '../../ui/Messages';

interface Props {
  org: Organization;
  viewerHandle: string | null;
  onStatus: (message: string) => void;
  /** Called when the viewer's own role or membership changed. */
  onOrgChanged: () => void;
}

function RoleForm({
  member,
  disabled,
  onSubmit,
}: {
  member: Member;
  disabled: boolean;
  onSubmit: (role: Role) => void;
}) {
  const { t } = useI18n();
  const [role, setRole] = useState<Role>(member.role);
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(role);
      }}
    >
      <SelectField
        label={t('members.roleFor', { handle: `@${member.handle}` })}
        className="field--compact"
        value={role}
        onValueChange={(value) => setRole(value as Role)}
        options={ASSIGNABLE_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
      />
      <button
        type="submit"
        className="button button--small button--secondary"
        disabled={disabled || role === member.role}
      >
        {t('members.updateRole')}
        <span className="visually-hidden"> {t('members.updateTarget', { handle: `@${member.handle}` })}</span>
      </button>
    </form>
  );
}

export function MembersPanel({ org, viewerHandle, onStatus, onOrgChanged }: Props) {
  const { t, formatDate } = useI18n();
  const errorMessage = useErrorMessage();
  const members = useOrgMembers(org.slug);
  const membership = useMembershipActions(org.slug);
  const action = useAction();
  const [newOwner, setNewOwner] = useState('');
  const items = itemsOf(members.data);
  const manager = isManager(org.viewerRole);
  const isOwner = org.viewerRole === 'owner';
  const candidates = items.filter((m) => m.handle !== viewerHandle);
  const transferTo = newOwner || candidates[0]?.handle || '';

  const changeRole = async (member: Member, role: Role) => {
    const result = await action.run(() => membership.setRole(member.handle, role));
    if (!result.ok) return;
    onStatus(t('members.roleUpdated', { handle: `@${member.handle}`, role: t(`role.${role}`) }));
  };

  const remove = async (member: Member) => {
    const result = await action.run(() => membership.remove(member.handle));
    if (!result.ok) return;
    onStatus(t('members.removed', { handle: `@${member.handle}` }));
  };

  const leave = async () => {
    const result = await action.run(() => membership.leave());
    if (!result.ok) return;
    onStatus(t('members.left', { name: org.name }));
    onOrgChanged();
  };

  const transfer = async (e: FormEvent) => {
    e.preventDefault();
    if (!transferTo) return;
    const result = await action.run(() => membership.transferOwnership(transferTo));
    if (!result.ok) return;
    onStatus(t('members.transfer.done', { handle: `@${transferTo}` }));
    setNewOwner('');
    onOrgChanged();
  };

  /** The owner changes only through a transfer; the server enforces finer rules. */
  const canManage = (m: Member) => manager && m.role !== 'owner' && m.handle !== viewerHandle;

  return (
    <div className="stack">
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">{t('members.heading')}</h2>
        <ErrorAlert error={action.error} />
        {members.loading && !members.data ? (
          <Loading />
        ) : members.error ? (
          <p className="notice notice--error">{errorMessage(members.error)}</p>
        ) : items.length === 0 ? (
          <p className="empty-state">{t('members.empty')}</p>
        ) : (
          <TableWrap label={t('members.heading')}>
            <table>
              <caption className="visually-hidden">{t('members.heading')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('members.col.member')}</th>
                  <th scope="col">{t('members.col.role')}</th>
                  <th scope="col">{t('members.col.joined')}</th>
                  {manager && <th scope="col">{t('common.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {items.map((m) => (
                  <tr key={m.handle}>
                    <th scope="row">
                      <span className="member-name">{m.name || m.handle}</span>{' '}
                      <span className="muted">@{m.handle}</span>
                      {m.handle === viewerHandle && <span className="muted"> {t('members.you')}</span>}
                    </th>
                    <td>
                      {canManage(m) ? (
                        <RoleForm
                          key={m.role}
                          member={m}
                          disabled={action.pending}
                          onSubmit={(role) => void changeRole(m, role)}
                        />
                      ) : (
                        t(`role.${m.role}`)
                      )}
                    </td>
                    <td>
                      <time dateTime={m.joinedAt}>{formatDate(m.joinedAt)}</time>
                    </td>
                    {manager && (
                      <td>
                        {canManage(m) && (
                          <button
                            type="button"
                            className="button button--small button--danger"
                            disabled={action.pending}
                            onClick={() => void remove(m)}
                          >
                            {t('members.remove')}
                            <span className="visually-hidden">
                              {' '}
                              {t('members.removeTarget', { handle: `@${m.handle}` })}
                            </span>
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>

      {isOwner && (
        <section aria-labelledby="transfer-heading" className="subpanel">
          <h2 id="transfer-heading">{t('members.transfer.heading')}</h2>
          <p>{t('members.transfer.body')}</p>
          {candidates.length === 0 ? (
            <p className="muted">{t('members.transfer.none')}</p>
          ) : (
            <form onSubmit={(e) => void transfer(e)} className="form">
              <SelectField
                label={t('members.transfer.to')}
                value={transferTo}
                onValueChange={setNewOwner}
                options={candidates.map((m) => ({ value: m.handle, label: `${m.name || m.handle} (@${m.handle})` }))}
              />
              <button type="submit" className="button button--danger" disabled={action.pending}>
                {t('members.transfer.submit')}
              </button>
            </form>
          )}
        </section>
      )}

      {org.viewerRole && (
        <section aria-labelledby="leave-heading" className="subpanel">
          <h2 id="leave-heading">{t('members.leave.heading')}</h2>
          <p>{isOwner ? t('members.leave.ownerBody') : t('members.leave.body')}</p>
          <button
            type="button"
            className="button button--danger"
            disabled={action.pending}
            onClick={() => void leave()}
          >
            {t('members.leave.submit')}
          </button>
        </section>
      )}
    </div>
  );
}
