import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { useAction } from '../api/hooks';
import { fetchExport, useMyDataActions, useMyExports, type DataExport } from '../api/ledger';
import { useI18n } from '../i18n/I18nProvider';
import { Disclosure } from '../ui/Disclosure';
import { TextField } from '../ui/Field';
import { ErrorAlert, Loading, StatusMessage } from '../ui/Messages';

/** How often a running export's progress is asked for. */
const POLL_MS = 1000;

/** "Export my data": asks for an export, follows its progress bar, then offers the download link. */
export function ExportSection() {
  const { t, formatDateTime } = useI18n();
  const list = useMyExports();
  const actions = useMyDataActions();
  const action = useAction();
  const [current, setCurrent] = useState<DataExport | null>(null);
  const latest = current ?? list.data?.items[0] ?? null;
  const running = latest?.status === 'pending' || latest?.status === 'running';

  useEffect(() => {
    if (!running || !latest) return;
    const timer = setTimeout(() => {
      fetchExport(latest.id)
        .then(setCurrent)
        .catch(() => undefined);
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [running, latest]);

  const ask = async () => {
    const result = await action.run(() => actions.requestExport());
    if (result.ok) setCurrent(result.value);
  };

  return (
    <section className="panel" aria-labelledby="export-heading">
      <h2 id="export-heading">{t('myData.export.heading')}</h2>
      <p>{t('myData.export.lead')}</p>
      <ErrorAlert error={action.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <>
          {latest && running && (
            <p>
              <label htmlFor="export-progress">{t('myData.export.progress')}</label>{' '}
              <progress id="export-progress" max={100} value={latest.progress}>
                {latest.progress} %
              </progress>{' '}
              <span aria-hidden="true">{latest.progress} %</span>
            </p>
          )}
          <StatusMessage>
            {latest?.status === 'ready' && latest.downloadUrl ? (
              <>
                {t('myData.export.ready', { date: formatDateTime(latest.expiresAt ?? latest.createdAt) })}{' '}
                <a href={latest.downloadUrl} download>
                  {t('myData.export.download')}
                </a>
              </>
            ) : null}
          </StatusMessage>
          {latest?.status === 'failed' && <p className="notice notice--error">{t('myData.export.failed')}</p>}
          {latest?.status === 'ready' && !latest.downloadUrl && <p className="muted">{t('myData.export.expired')}</p>}
          <p className="actions">
            <button type="button" className="button" disabled={action.pending || running} onClick={() => void ask()}>
              {t('myData.export.ask')}
            </button>
          </p>
        </>
      )}
    </section>
  );
}

/** "Erase my account", behind a disclosure: the consequences in plain words, then the password. */
export function ErasureSection() {
  const { t } = useI18n();
  const action = useAction();
  const actions = useMyDataActions();
  const [password, setPassword] = useState('');
  const [erased, setErased] = useState<string | null>(null);

  const erase = async (e: FormEvent) => {
    e.preventDefault();
    const result = await action.run(() => actions.erase(password));
    // Signed out by the server; the page stays until the person leaves it (a full load then shows them signed out).
    if (result.ok) setErased(result.value.handle);
  };
  const wrongPassword = action.error instanceof ApiError && action.error.status === 403;

  return (
    <section className="panel" aria-labelledby="erase-heading">
      <h2 id="erase-heading">{t('myData.erase.heading')}</h2>
      <StatusMessage>
        {erased ? (
          <>
            {t('myData.erase.done', { handle: erased })} <a href="/">{t('myData.erase.home')}</a>
          </>
        ) : null}
      </StatusMessage>
      {!erased && (
        <Disclosure label={t('myData.erase.open')}>
          {() => (
            <form onSubmit={(e) => void erase(e)} noValidate className="form">
              <p>{t('myData.erase.consequences')}</p>
              <ul>
                <li>{t('myData.erase.removed')}</li>
                <li>{t('myData.erase.kept')}</li>
                <li>{t('myData.erase.tombstone')}</li>
                <li>{t('myData.erase.log')}</li>
                <li>{t('myData.erase.final')}</li>
              </ul>
              {!wrongPassword && <ErrorAlert error={action.error} shownFields={['password']} />}
              <TextField
                label={t('myData.erase.password')}
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onValueChange={setPassword}
                error={wrongPassword ? t('myData.erase.wrongPassword') : undefined}
              />
              <button type="submit" className="button button--danger" disabled={action.pending || !password}>
                {t('myData.erase.submit')}
              </button>
            </form>
          )}
        </Disclosure>
      )}
    </section>
  );
}
