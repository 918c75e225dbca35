import { useTokenScopes } from '../api/platform';
import { useScopeWords } from '../apps/oauth/scopes';
import { Loading } from './Messages';

/**
 * The scopes a credential (personal token, app key) may carry, as checkboxes with their plain-words
 * descriptions; `badgeFor` may flag some (sensitive scopes for apps).
 */
export function ScopePicker({
  idPrefix,
  legend,
  hint,
  error,
  emptyText,
  selected,
  onChange,
  badgeFor,
}: {
  idPrefix: string;
  legend: string;
  hint?: string;
  error?: string | null;
  emptyText?: string;
  selected: string[];
  onChange: (selected: string[]) => void;
  badgeFor?: (scopeId: string) => string | null;
}) {
  const scopes = useTokenScopes();
  const words = useScopeWords();
  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));
  const list = scopes.data?.scopes ?? [];
  const describedBy = error ? `${idPrefix}-scopes-error` : hint ? `${idPrefix}-scopes-hint` : undefined;
  return (
    <fieldset className="field" aria-describedby={describedBy}>
      <legend>{legend}</legend>
      {hint && (
        <p id={`${idPrefix}-scopes-hint`} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${idPrefix}-scopes-error`} className="field__error">
          {error}
        </p>
      )}
      {scopes.loading && !scopes.data ? (
        <Loading />
      ) : list.length === 0 && emptyText ? (
        <p className="muted">{emptyText}</p>
      ) : (
        <ul className="checkbox-list">
          {list.map((scope) => {
            const badge = badgeFor?.(scope.id);
            return (
              <li key={scope.id}>
                <input
                  type="checkbox"
                  id={`${idPrefix}-scope-${scope.id}`}
                  checked={selected.includes(scope.id)}
                  onChange={(e) => toggle(scope.id, e.target.checked)}
                />
                <label htmlFor={`${idPrefix}-scope-${scope.id}`}>
                  <code>{scope.id}</code> <span className="muted">— {words(scope)}</span>
                  {badge && <span className="badge badge--draft">{badge}</span>}
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </fieldset>
  );
}
