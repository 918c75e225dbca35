import { useEffect, useState, type FormEvent } from 'react';
import { useLocation } from 'react-router-dom';
import { useAction } from '../api/hooks';
import {
  useNotificationPreferences,
  useSaveNotificationPreferences,
  type EmailMode,
  type NotificationPreference,
} from '../api/notifications';
import { useT } from '../i18n/I18nProvider';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../ui/Messages';
import { Disclosure } from '../ui/Disclosure';
import { TableWrap } from '../ui/TableWrap';
import { typeLabel } from './typeLabel';

const MODES: EmailMode[] = ['immediate', 'daily', 'off'];

/** Account page: per notification type, in-app on/off and email immediately / daily digest / never. */
export function NotificationPreferencesSection() {
  const t = useT();
  const errorMessage = useErrorMessage();
  const prefs = useNotificationPreferences();
  const savePreferences = useSaveNotificationPreferences();
  const save = useAction();
  const [draft, setDraft] = useState<NotificationPreference[] | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const items = draft ?? prefs.data?.items ?? [];
  const { hash } = useLocation();
  const loaded = prefs.data !== undefined;
  // Arriving from the notification center ("/account#notification-preferences").
  useEffect(() => {
    if (loaded && hash === '#notification-preferences')
      document.getElementById('notification-preferences')?.scrollIntoView();
  }, [loaded, hash]);

  const change = (type: string, patch: Partial<NotificationPreference>) => {
    setStatus(null);
    setDraft(items.map((p) => (p.type === type ? { ...p, ...patch } : p)));
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus(null);
    const result = await save.run(() => savePreferences(items));
    if (!result.ok) return;
    setDraft(null);
    setStatus(t('notif.prefs.saved'));
  };

  const modeLabel: Record<EmailMode, string> = {
    immediate: t('notif.prefs.immediate'),
    daily: t('notif.prefs.daily'),
    off: t('notif.prefs.off'),
  };

  return (
    <section id="notification-preferences" aria-labelledby="notif-prefs-heading" className="panel">
      <h2 id="notif-prefs-heading">{t('notif.prefs.heading')}</h2>
      <p className="muted">{t('notif.prefs.intro')}</p>
      <StatusMessage>{status}</StatusMessage>
      <ErrorAlert error={save.error} />
      {prefs.loading && !prefs.data ? (
        <Loading />
      ) : prefs.error ? (
        <p className="notice notice--error">{errorMessage(prefs.error)}</p>
      ) : items.length === 0 ? (
        <p className="empty-state">{t('notif.prefs.empty')}</p>
      ) : (
        <>
          <p className="summary-line">
            {t('notif.prefs.summary', {
              inApp: items.filter((p) => p.inApp).length,
              total: items.length,
              immediate: items.filter((p) => p.email === 'immediate').length,
              daily: items.filter((p) => p.email === 'daily').length,
              off: items.filter((p) => p.email === 'off').length,
            })}
          </p>
          <Disclosure label={t('notif.prefs.change')} defaultOpen={hash === '#notification-preferences'}>
            {() => (
              <form onSubmit={(e) => void onSubmit(e)} className="notif-prefs">
                <TableWrap label={t('notif.prefs.heading')}>
                  <table>
                    <caption className="visually-hidden">{t('notif.prefs.heading')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('notif.prefs.colType')}</th>
                        <th scope="col">{t('notif.prefs.colInApp')}</th>
                        <th scope="col">{t('notif.prefs.colEmail')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {items.map((p) => {
                        const label = typeLabel(t, p.type);
                        return (
                          <tr key={p.type}>
                            <th scope="row">{label}</th>
                            <td>
                              <input
                                type="checkbox"
                                checked={p.inApp}
                                onChange={(e) => change(p.type, { inApp: e.target.checked })}
                                aria-label={t('notif.prefs.inAppFor', { type: label })}
                              />
                            </td>
                            <td>
                              <select
                                value={p.email}
                                onChange={(e) => change(p.type, { email: e.target.value as EmailMode })}
                                aria-label={t('notif.prefs.emailFor', { type: label })}
                                className="notif-prefs__select"
                              >
                                {MODES.map((m) => (
                                  <option key={m} value={m}>
                                    {modeLabel[m]}
                                  </option>
                                ))}
                              </select>
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </TableWrap>
                <button type="submit" className="button" disabled={save.pending}>
                  {save.pending ? t('common.saving') : t('notif.prefs.save')}
                </button>
              </form>
            )}
          </Disclosure>
        </>
      )}
    </section>
  );
}
