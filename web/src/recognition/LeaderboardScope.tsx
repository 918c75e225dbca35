import { useState, type FormEvent } from 'react';
import { useT } from '../i18n/I18nProvider';

export interface Scope {
  kind: 'all' | 'dataset' | 'organization';
  slug: string;
}

/** Choose the scope of the leaderboard: the whole platform, one dataset or one organization. */
export function LeaderboardScope({ scope, onApply }: { scope: Scope; onApply: (scope: Scope) => void }) {
  const t = useT();
  const [kind, setKind] = useState<Scope['kind']>(scope.kind);
  const [slug, setSlug] = useState(scope.slug);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(kind === 'all' || !slug.trim() ? { kind: 'all', slug: '' } : { kind, slug: slug.trim() });
  };
  return (
    <form className="inline-form leaderboard-scope" onSubmit={submit} aria-label={t('people.leaderboard.scope')}>
      <div className="field field--compact">
        <label htmlFor="lb-scope">{t('people.leaderboard.scope')}</label>
        <select id="lb-scope" value={kind} onChange={(e) => setKind(e.target.value as Scope['kind'])}>
          <option value="all">{t('people.leaderboard.scopeAll')}</option>
          <option value="dataset">{t('people.leaderboard.scopeDataset')}</option>
          <option value="organization">{t('people.leaderboard.scopeOrganization')}</option>
        </select>
      </div>
      {kind !== 'all' && (
        <div className="field field--compact">
          <label htmlFor="lb-slug">{t('people.leaderboard.slug')}</label>
          <input
            id="lb-slug"
            value={slug}
            onChange={(e) => setSlug(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
      )}
      <button type="submit" className="button button--small button--secondary">
        {t('people.leaderboard.apply')}
      </button>
    </form>
  );
}
