import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  FLAG_TYPES,
  useCreateFlag,
  useFlagSegments,
  useFlags,
  usePutSegment,
  type Environment,
  type FlagCondition,
  type FlagType,
} from '../../api/iteration';
import { useI18n, useT } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { SelectField, TextAreaField, TextField } from '../../ui/Field';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { TableWrap } from '../../ui/TableWrap';
import { AuditTrail, EnvironmentPicker, ReasonField, serveText, staleText } from './shared';

/** Starting variants per type: a valid JSON object the person edits. */
const DEFAULT_VARIANTS: Record<FlagType, string> = {
  boolean: '{ "on": true, "off": false }',
  string: '{ "control": "blue", "treatment": "green" }',
  number: '{ "low": 10, "high": 50 }',
  object: '{ "off": {}, "on": { "layout": "grid", "pageSize": 24 } }',
};
const DEFAULT_OFF: Record<FlagType, string> = { boolean: 'off', string: 'control', number: 'low', object: 'off' };

/** A JSON object, or the message key saying why the text is not one. */
function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function CreateFlagForm({ appId }: { appId: string }) {
  const t = useT();
  const navigate = useNavigate();
  const create = useCreateFlag();
  const [key, setKey] = useState('');
  const [description, setDescription] = useState('');
  const [type, setType] = useState<FlagType>('boolean');
  const [variants, setVariants] = useState(DEFAULT_VARIANTS.boolean);
  const [offVariant, setOffVariant] = useState('off');
  const [reason, setReason] = useState('');
  const [jsonError, setJsonError] = useState<string | undefined>();

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseObject(variants);
    setJsonError(parsed ? undefined : t('flags.create.variantsInvalid'));
    if (!parsed) return;
    const r = await create.run({
      params: { path: { appId } },
      body: { key: key.trim(), description, type, variants: parsed, offVariant: offVariant.trim(), reason },
    });
    if (r.ok) navigate(`/developers/apps/${encodeURIComponent(appId)}/flags/${encodeURIComponent(r.value.key)}`);
  };
  return (
    <section aria-labelledby="create-flag-heading" className="panel">
      <h2 id="create-flag-heading">{t('flags.create.heading')}</h2>
      <p className="muted">{t('flags.create.intro')}</p>
      <form className="form" onSubmit={onSubmit} noValidate>
        <ErrorAlert error={create.error} shownFields={['key', 'variants', 'offVariant', 'reason']} />
        <TextField
          label={t('flags.create.key')}
          hint={t('flags.create.keyHint')}
          value={key}
          onValueChange={setKey}
          error={create.fieldErrors.key}
          required
          pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}"
        />
        <TextField label={t('flags.create.description')} value={description} onValueChange={setDescription} />
        <SelectField
          label={t('flags.create.type')}
          value={type}
          onValueChange={(v) => {
            const next = v as FlagType;
            setType(next);
            setVariants(DEFAULT_VARIANTS[next]);
            setOffVariant(DEFAULT_OFF[next]);
          }}
          options={FLAG_TYPES.map((ft) => ({ value: ft, label: t(`flags.type.${ft}`) }))}
        />
        <TextAreaField
          label={t('flags.create.variants')}
          hint={t('flags.create.variantsHint')}
          value={variants}
          onValueChange={setVariants}
          error={jsonError ?? create.fieldErrors.variants}
          className="field--code"
          spellCheck={false}
        />
        <TextField
          label={t('flags.create.offVariant')}
          hint={t('flags.create.offVariantHint')}
          value={offVariant}
          onValueChange={setOffVariant}
          error={create.fieldErrors.offVariant}
          required
        />
        <ReasonField value={reason} onChange={setReason} error={create.fieldErrors.reason} />
        <p>
          <button type="submit" className="button" disabled={create.pending}>
            {t('flags.create.submit')}
          </button>
        </p>
      </form>
    </section>
  );
}

const conditionText = (c: FlagCondition) =>
  `${c.attribute} ${c.op}${c.value === undefined ? '' : ` ${JSON.stringify(c.value)}`}`;

function SegmentsSection({ appId }: { appId: string }) {
  const t = useT();
  const errorMessage = useErrorMessage();
  const segments = useFlagSegments(appId);
  const put = usePutSegment();
  const [key, setKey] = useState('');
  const [conditions, setConditions] = useState('[{ "attribute": "country", "op": "in", "value": ["FR", "BE"] }]');
  const [reason, setReason] = useState('');
  const [jsonError, setJsonError] = useState<string | undefined>();
  const [status, setStatus] = useState<string | null>(null);
  const items = segments.data?.items ?? [];

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(conditions);
    } catch {
      parsed = null;
    }
    const ok = Array.isArray(parsed);
    setJsonError(ok ? undefined : t('flags.segments.conditionsInvalid'));
    if (!ok) return;
    const r = await put.run({
      params: { path: { appId, key: key.trim() } },
      body: { description: '', conditions: parsed as FlagCondition[], reason },
    });
    if (r.ok) {
      setStatus(t('flags.segments.saved', { key: r.value.key }));
      setKey('');
      setReason('');
    }
  };
  return (
    <section aria-labelledby="segments-heading" className="panel">
      <h2 id="segments-heading">{t('flags.segments.heading')}</h2>
      <p className="muted">{t('flags.segments.intro')}</p>
      {segments.loading && !segments.data ? (
        <Loading />
      ) : segments.error ? (
        <p className="notice notice--error">{errorMessage(segments.error)}</p>
      ) : items.length === 0 ? (
        <p className="empty-state">{t('flags.segments.empty')}</p>
      ) : (
        <ul className="link-list">
          {items.map((s) => (
            <li key={s.key}>
              <code>{s.key}</code> — {s.conditions.map(conditionText).join(' ∧ ')}
              {s.usedBy.length > 0 && (
                <span className="muted"> ({t('flags.segments.usedBy', { flags: s.usedBy.join(', ') })})</span>
              )}
            </li>
          ))}
        </ul>
      )}
      <StatusMessage>{status}</StatusMessage>
      <form className="form" onSubmit={onSubmit} noValidate>
        <h3>{t('flags.segments.add')}</h3>
        <ErrorAlert error={put.error} shownFields={['reason']} />
        <TextField label={t('flags.segments.key')} value={key} onValueChange={setKey} required />
        <TextAreaField
          label={t('flags.segments.conditions')}
          hint={t('flags.segments.conditionsHint')}
          value={conditions}
          onValueChange={setConditions}
          error={jsonError}
          spellCheck={false}
        />
        <ReasonField value={reason} onChange={setReason} error={put.fieldErrors.reason} />
        <p>
          <button type="submit" className="button button--secondary" disabled={put.pending}>
            {t('flags.segments.submit')}
          </button>
        </p>
      </form>
    </section>
  );
}

function FlagList({ appId }: { appId: string }) {
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const flags = useFlags(appId);
  const [env, setEnv] = useState<Environment>('production');
  const items = flags.data?.items ?? [];
  const base = `/developers/apps/${encodeURIComponent(appId)}/flags`;
  return (
    <section aria-labelledby="flags-heading" className="panel">
      <h2 id="flags-heading">{t('flags.list.heading')}</h2>
      <EnvironmentPicker value={env} onChange={setEnv} />
      {flags.loading && !flags.data ? (
        <Loading />
      ) : flags.error ? (
        <p className="notice notice--error">{errorMessage(flags.error)}</p>
      ) : items.length === 0 ? (
        <div className="empty-state">
          <p>{t('flags.list.empty')}</p>
          <p>
            <a href="#create-flag-heading">{t('flags.list.emptyAction')}</a>
          </p>
        </div>
      ) : (
        <TableWrap label={t('flags.list.heading')}>
          <table>
            <caption className="visually-hidden">{t('flags.list.caption', { env })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('flags.list.flag')}</th>
                <th scope="col">{t('flags.list.state')}</th>
                <th scope="col">{t('flags.list.serves')}</th>
                <th scope="col">{t('flags.list.rules')}</th>
                <th scope="col">{t('flags.list.warnings')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((f) => {
                const e = f.environments[env];
                const d = e?.definition;
                return (
                  <tr key={f.key}>
                    <th scope="row">
                      <Link to={`${base}/${encodeURIComponent(f.key)}?environment=${env}`}>{f.key}</Link>
                      {f.description && <div className="muted">{f.description}</div>}
                    </th>
                    <td>
                      {d ? (
                        <span className={`badge ${d.enabled ? 'badge--success' : 'badge--warning'}`}>
                          {d.enabled ? t('flags.state.on') : t('flags.state.off')}
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>{d ? (d.enabled ? serveText(d.fallthrough, lang) : d.offVariant) : '—'}</td>
                    <td>{d ? d.rules.length : '—'}</td>
                    <td className="cell--wrap">
                      {e?.stale ? <span className="badge badge--warning">{staleText(t, e.stale)}</span> : '—'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

/** /developers/apps/:id/flags — an app's feature flags, for the people who manage the app. */
export function FlagsPage() {
  const t = useT();
  const { id = '' } = useParams();
  useDocumentTitle(t('flags.title'));
  return (
    <>
      <nav aria-label={t('dev.common.breadcrumb')} className="breadcrumb">
        <Link to="/developers/apps">{t('dev.apps.heading')}</Link> ›{' '}
        <Link to={`/developers/apps/${encodeURIComponent(id)}`}>{t('flags.backToApp')}</Link>
      </nav>
      <div className="page-heading">
        <h1>{t('flags.heading')}</h1>
        <p className="lead">{t('flags.lead')}</p>
      </div>
      <RequireUser>
        {() => (
          <div className="stack">
            <FlagList appId={id} />
            <CreateFlagForm appId={id} />
            <SegmentsSection appId={id} />
            <AuditTrail appId={id} />
          </div>
        )}
      </RequireUser>
    </>
  );
}
