import { useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import { useOAuthActions, useOAuthInteraction } from '../../api/developers';
import { useT } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { ErrorAlert, Loading } from '../../ui/Messages';
import { ScopeList } from './scopes';

/** Leaves the single-page app for the authorization endpoint, which sends the browser back to the app. */
const leaveFor = (redirectTo: string) => window.location.assign(redirectTo);

function Consent({ uid, handle }: { uid: string; handle: string }) {
  const t = useT();
  const details = useOAuthInteraction(uid);
  const oauth = useOAuthActions();
  const decide = useAction();
  const [leaving, setLeaving] = useState(false);
  const autoSent = useRef(false);
  const heading = useRef<HTMLHeadingElement>(null);

  const send = async (decision: 'allow' | 'deny') => {
    const result = await decide.run(() => oauth.decide(uid, decision));
    if (result.ok) {
      setLeaving(true);
      leaveFor(result.value.redirectTo);
    }
  };

  const data = details.data;
  // Everything asked was allowed before (only the sign-in was missing): no question to ask.
  useEffect(() => {
    if (data && !data.consentRequired && !autoSent.current) {
      autoSent.current = true;
      void send('allow');
    }
  });
  useEffect(() => {
    if (data?.consentRequired) heading.current?.focus();
  }, [data]);

  if (details.loading && !data) return <Loading />;
  if (details.error || !data) {
    return (
      <p className="notice notice--error" role="alert">
        {t('oauth.consent.expired')}
      </p>
    );
  }
  if (!data.consentRequired || leaving) return <p role="status">{t('oauth.consent.continuing')}</p>;

  const { app } = data;
  const anySensitive = data.scopes.some((s) => s.sensitive);
  return (
    <section className="panel oauth-consent" aria-labelledby="oauth-consent-heading">
      <h1 id="oauth-consent-heading" ref={heading} tabIndex={-1}>
        {t('oauth.consent.heading', { app: app.name })}
      </h1>
      <div className="oauth-app">
        {app.description && <p>{app.description}</p>}
        <p className="small muted">
          {app.organization
            ? t('oauth.consent.byOrganization', {
                owner: app.owner.name || app.owner.handle,
                organization: app.organization.name,
              })
            : t('oauth.consent.by', { owner: app.owner.name || app.owner.handle })}
          {app.homepage && (
            <>
              {' · '}
              <a href={app.homepage} rel="noopener noreferrer" target="_blank">
                {t('oauth.consent.homepage')}
              </a>
            </>
          )}
        </p>
      </div>
      <p>{t('oauth.consent.lead', { app: app.name })}</p>
      <h2 className="h3">{t('oauth.consent.scopesHeading', { app: app.name })}</h2>
      <ScopeList
        scopes={data.scopes}
        note={(s) =>
          data.scopes.find((x) => x.id === s.id)?.alreadyGranted ? t('oauth.consent.alreadyGranted') : null
        }
      />
      {anySensitive && <p className="small muted">{t('oauth.consent.sensitiveHint')}</p>}
      <ErrorAlert error={decide.error} />
      <div className="actions oauth-consent__actions">
        <button type="button" className="button" disabled={decide.pending} onClick={() => void send('allow')}>
          {t('oauth.consent.allow')}
        </button>
        <button
          type="button"
          className="button button--secondary"
          disabled={decide.pending}
          onClick={() => void send('deny')}
        >
          {t('oauth.consent.deny')}
        </button>
      </div>
      <p className="small muted">{t('oauth.consent.signedInAs', { handle })}</p>
    </section>
  );
}

/** /oauth/consent/:uid — the consent screen of the OAuth authorization server (signed-out users sign in first, then come back). */
export function ConsentPage() {
  const t = useT();
  useDocumentTitle(t('oauth.consent.title'));
  const { uid = '' } = useParams();
  return <RequireUser>{(user) => <Consent uid={uid} handle={user.handle} />}</RequireUser>;
}
