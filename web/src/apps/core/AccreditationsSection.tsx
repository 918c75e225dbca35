import { useState } from 'react';
import { useAppAccreditations } from '../../api/developers';
import { useT } from '../../i18n/I18nProvider';
import { Disclosure } from '../../ui/Disclosure';
import { Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { AccreditationCard } from './AccreditationCard';
import { AccreditationForm } from './AccreditationForm';

/** The app's accreditation requests, their edit-and-resubmit, and a new request. */
export function AccreditationsSection({ appId }: { appId: string }) {
  const t = useT();
  const errorMessage = useErrorMessage();
  const list = useAppAccreditations(appId);
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const items = list.data?.items ?? [];

  return (
    <section aria-labelledby="acc-heading" className="panel">
      <h2 id="acc-heading">{t('dev.acc.heading')}</h2>
      <p className="muted">{t('dev.acc.intro')}</p>
      <StatusMessage>{status}</StatusMessage>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <p className="notice notice--error">{errorMessage(list.error)}</p>
      ) : items.length === 0 ? (
        <p className="empty-state">{t('dev.acc.empty')}</p>
      ) : (
        <ul className="card-list">
          {items.map((a) => (
            <li key={a.id}>
              <AccreditationCard accreditation={a}>
                {(a.status === 'changes_requested' || a.status === 'submitted') && editing !== a.id && (
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    onClick={() => setEditing(a.id)}
                  >
                    {a.status === 'changes_requested' ? t('dev.acc.editResubmit') : t('dev.acc.edit')}
                  </button>
                )}
                {editing === a.id && (
                  <AccreditationForm
                    appId={appId}
                    existing={a}
                    onCancel={() => setEditing(null)}
                    onSaved={() => {
                      setEditing(null);
                      setStatus(t('dev.acc.resubmitted'));
                    }}
                  />
                )}
              </AccreditationCard>
            </li>
          ))}
        </ul>
      )}
      <Disclosure label={t('dev.acc.newHeading')}>
        {(close) => (
          <AccreditationForm
            key={items.length}
            appId={appId}
            onSaved={() => {
              setStatus(t('dev.acc.submitted'));
              close();
            }}
          />
        )}
      </Disclosure>
    </section>
  );
}
