import type { MessageKey } from '../../i18n/en';
import { useT } from '../../i18n/I18nProvider';
import type { OAuthScopeView } from '../../api/developers';

const KNOWN = new Set([
  'openid',
  'offline_access',
  'profile:read',
  'profile:write',
  'organizations:read',
  'organizations:write',
  'data:read',
  'data:write',
  'contributions:write',
  'personal-data:read',
  'apps:read',
  'apps:write',
  'webhooks:read',
  'webhooks:write',
  'reuses:write',
]);

/** A scope in plain words, in the reader's language (the server's English description otherwise). */
export function useScopeWords(): (scope: { id: string; description: string }) => string {
  const t = useT();
  return (scope) => (KNOWN.has(scope.id) ? t(`oauth.scope.${scope.id}` as MessageKey) : scope.description);
}

/** One line per scope: what it allows, its id, and a "sensitive" flag. */
export function ScopeList({
  scopes,
  note,
}: {
  scopes: OAuthScopeView[];
  note?: (scope: OAuthScopeView) => string | null;
}) {
  const t = useT();
  const words = useScopeWords();
  return (
    <ul className="oauth-scopes">
      {scopes.map((scope) => (
        <li key={scope.id} className={scope.sensitive ? 'oauth-scope oauth-scope--sensitive' : 'oauth-scope'}>
          <span className="oauth-scope__words">{words(scope)}</span> <code className="tag">{scope.id}</code>
          {scope.sensitive && <span className="badge badge--draft">{t('oauth.consent.sensitive')}</span>}
          {note?.(scope) && <span className="small muted"> ({note(scope)})</span>}
        </li>
      ))}
    </ul>
  );
}
