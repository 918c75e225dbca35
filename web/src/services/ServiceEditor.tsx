import { useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useAction } from '../api/hooks';
import {
  AUDIENCES,
  LOCATIONS,
  ROUTINGS,
  useService,
  useServiceActions,
  type FormSchema,
  type Service,
  type ServiceInput,
  type ServiceStep,
} from '../api/services';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/en';
import { RequireUser } from '../session/RequireUser';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../ui/Messages';
import { FieldControl } from './RequestForm';
import { ServiceOperators } from './ServiceOperators';

const ROUTING_LABEL: Record<(typeof ROUTINGS)[number], MessageKey> = {
  territory: 'services.edit.routing.territory',
  share: 'services.edit.routing.share',
  round_robin: 'services.edit.routing.round_robin',
  least_loaded: 'services.edit.routing.least_loaded',
  manual: 'services.edit.routing.manual',
};
const LOCATION_LABEL: Record<(typeof LOCATIONS)[number], MessageKey> = {
  none: 'services.edit.location.none',
  optional: 'services.edit.location.optional',
  required: 'services.edit.location.required',
};
const AUDIENCE_LABEL: Record<(typeof AUDIENCES)[number], MessageKey> = {
  public: 'services.edit.audience.public',
  members: 'services.edit.audience.members',
};

const EXAMPLE_FORM = JSON.stringify(
  { type: 'object', properties: { details: { type: 'string', title: 'Details', maxLength: 500 } }, required: [] },
  null,
  2,
);

/** What the editor holds: the body's fields as the inputs show them (numbers as text until sent). */
interface Draft {
  code: string;
  title: string;
  description: string;
  eligibility: string;
  audience: Service['audience'];
  location: Service['location'];
  attachments: boolean;
  form: string;
  steps: Array<{ code: string; title: string; hours: string }>;
  acknowledgeHours: string;
  resolveHours: string;
  routing: Service['routing'];
  retentionDays: string;
  alertBelow: string;
  keywords: string;
}

function draftOf(s: Service | undefined): Draft {
  return {
    code: s?.code ?? '',
    title: s?.title ?? '',
    description: s?.description ?? '',
    eligibility: s?.eligibility ?? '',
    audience: s?.audience ?? 'public',
    location: s?.location ?? 'optional',
    attachments: s?.attachments ?? true,
    form: s ? JSON.stringify(s.formSchema, null, 2) : EXAMPLE_FORM,
    steps: (s?.steps ?? []).map((x) => ({ code: x.code, title: x.title, hours: x.objectiveHours?.toString() ?? '' })),
    acknowledgeHours: String(s?.acknowledgeHours ?? 48),
    resolveHours: String(s?.resolveHours ?? 240),
    routing: s?.routing ?? 'manual',
    retentionDays: String(s?.retentionDays ?? 365),
    alertBelow: s?.alertBelow === null || s?.alertBelow === undefined ? '' : String(Math.round(s.alertBelow * 100)),
    keywords: (s?.keywords ?? []).join(', '),
  };
}

/** The form's JSON Schema as typed, or why it is not one (shown beside the field, and no preview). */
function parseForm(text: string): { schema: FormSchema | null; error: string | null } {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'object')
      return { schema: null, error: 'type' };
    const properties = (value as { properties?: unknown }).properties;
    if (typeof properties !== 'object' || properties === null) return { schema: null, error: 'properties' };
    return { schema: value as FormSchema, error: null };
  } catch {
    return { schema: null, error: 'json' };
  }
}

function Field(props: { label: string; hint?: string; error?: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className={props.error ? 'field field--invalid' : 'field'}>
      <label htmlFor={id}>{props.label}</label>
      {props.hint && <p className="field__hint">{props.hint}</p>}
      {props.error && <p className="field__error">{props.error}</p>}
      {props.children(id)}
    </div>
  );
}

/** A labelled select over a fixed list of values, each shown by its message. */
function ChoiceField<V extends string>(props: {
  label: string;
  error?: string;
  value: V;
  options: readonly V[];
  labels: Record<V, MessageKey>;
  onChange: (value: V) => void;
}) {
  const { t } = useI18n();
  return (
    <Field label={props.label} error={props.error}>
      {(id) => (
        <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value as V)}>
          {props.options.map((v) => (
            <option key={v} value={v}>
              {t(props.labels[v])}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The rendered request form, as requesters will see it, updated while the schema is typed. */
function FormPreview({ schema }: { schema: FormSchema }) {
  const { t } = useI18n();
  const [answers, setAnswers] = useState<Record<string, unknown>>({});
  const required = new Set(schema.required ?? []);
  return (
    <section aria-labelledby="form-preview" className="panel">
      <h3 id="form-preview">{t('services.edit.preview')}</h3>
      {Object.keys(schema.properties).length === 0 && <p className="muted">{t('services.edit.previewEmpty')}</p>}
      {Object.entries(schema.properties).map(([name, field]) => (
        <FieldControl
          key={name}
          name={name}
          field={field}
          required={required.has(name)}
          value={answers[name]}
          onChange={(v) => setAnswers((a) => ({ ...a, [name]: v }))}
        />
      ))}
    </section>
  );
}

function ServiceForm({ service, organization }: { service?: Service; organization: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const actions = useServiceActions();
  const save = useAction();
  const [draft, setDraft] = useState<Draft>(() => draftOf(service));
  const [saved, setSaved] = useState<string | null>(null);
  const parsed = useMemo(() => parseForm(draft.form), [draft.form]);
  const errors = save.fieldErrors;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setStep = (i: number, patch: Partial<Draft['steps'][number]>) =>
    set(
      'steps',
      draft.steps.map((s, j) => (i === j ? { ...s, ...patch } : s)),
    );
  const stepIds = useId();

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    if (!parsed.schema) return;
    const steps: ServiceStep[] = draft.steps.map((s) => ({
      code: s.code.trim(),
      title: s.title.trim(),
      objectiveHours: s.hours === '' ? null : Number(s.hours),
    }));
    const fields = {
      title: draft.title,
      description: draft.description,
      eligibility: draft.eligibility,
      audience: draft.audience,
      location: draft.location,
      attachments: draft.attachments,
      formSchema: parsed.schema,
      steps,
      acknowledgeHours: Number(draft.acknowledgeHours),
      resolveHours: Number(draft.resolveHours),
      routing: draft.routing,
      retentionDays: Number(draft.retentionDays),
      alertBelow: draft.alertBelow === '' ? null : Number(draft.alertBelow) / 100,
      keywords: draft.keywords
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    } satisfies Omit<ServiceInput, 'organization' | 'code'>;
    if (service) {
      const result = await save.run(() => actions.update(service.code, fields));
      if (result.ok) setSaved(t('services.edit.saved'));
    } else {
      const result = await save.run(() => actions.create({ ...fields, organization, code: draft.code }));
      if (result.ok) navigate(`/services/${result.value.code}/manage`);
    }
  };

  const formError = parsed.error ? t(`services.edit.formError.${parsed.error}` as MessageKey) : errors.formSchema;
  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="service-form">
      <h2 id="service-form">{t('services.edit.details')}</h2>
      {!service && (
        <Field label={t('services.edit.code')} hint={t('services.edit.codeHint')} error={errors.code}>
          {(id) => (
            <input
              id={id}
              required
              pattern="[a-z0-9][a-z0-9-]{1,62}"
              value={draft.code}
              onChange={(e) => set('code', e.target.value.toLowerCase())}
            />
          )}
        </Field>
      )}
      <Field label={t('services.edit.title')} error={errors.title}>
        {(id) => (
          <input id={id} required maxLength={200} value={draft.title} onChange={(e) => set('title', e.target.value)} />
        )}
      </Field>
      <Field label={t('services.edit.description')} error={errors.description}>
        {(id) => (
          <textarea
            id={id}
            maxLength={10_000}
            value={draft.description}
            onChange={(e) => set('description', e.target.value)}
          />
        )}
      </Field>
      <Field
        label={t('services.edit.eligibility')}
        hint={t('services.edit.eligibilityHint')}
        error={errors.eligibility}
      >
        {(id) => (
          <textarea
            id={id}
            maxLength={2000}
            value={draft.eligibility}
            onChange={(e) => set('eligibility', e.target.value)}
          />
        )}
      </Field>
      <ChoiceField
        label={t('services.edit.audience')}
        error={errors.audience}
        value={draft.audience}
        options={AUDIENCES}
        labels={AUDIENCE_LABEL}
        onChange={(v) => set('audience', v)}
      />
      <ChoiceField
        label={t('services.edit.location')}
        error={errors.location}
        value={draft.location}
        options={LOCATIONS}
        labels={LOCATION_LABEL}
        onChange={(v) => set('location', v)}
      />
      <div className="field">
        <label className="checkbox">
          <input type="checkbox" checked={draft.attachments} onChange={(e) => set('attachments', e.target.checked)} />{' '}
          {t('services.edit.attachments')}
        </label>
      </div>

      <h2>{t('services.edit.formHeading')}</h2>
      <div className="service-form-editor">
        <Field label={t('services.edit.form')} hint={t('services.edit.formHint')} error={formError}>
          {(id) => (
            <textarea
              id={id}
              className="code-input"
              rows={14}
              spellCheck={false}
              value={draft.form}
              aria-invalid={formError ? true : undefined}
              onChange={(e) => set('form', e.target.value)}
            />
          )}
        </Field>
        {parsed.schema && <FormPreview schema={parsed.schema} />}
      </div>

      <fieldset>
        <legend>{t('services.edit.steps')}</legend>
        <p className="field__hint">{t('services.edit.stepsHint')}</p>
        {errors.steps && <p className="field__error">{errors.steps}</p>}
        {draft.steps.length === 0 && <p className="muted">{t('services.edit.noStep')}</p>}
        {draft.steps.map((s, i) => (
          <div key={i} className="inline-fields" role="group" aria-label={t('services.edit.stepN', { n: i + 1 })}>
            <div className="field">
              <label htmlFor={`${stepIds}-code-${i}`}>{t('services.edit.stepCode')}</label>
              <input
                id={`${stepIds}-code-${i}`}
                required
                pattern="[a-z][a-z0-9_]{0,39}"
                value={s.code}
                onChange={(e) => setStep(i, { code: e.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor={`${stepIds}-title-${i}`}>{t('services.edit.stepTitle')}</label>
              <input
                id={`${stepIds}-title-${i}`}
                required
                maxLength={200}
                value={s.title}
                onChange={(e) => setStep(i, { title: e.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor={`${stepIds}-hours-${i}`}>{t('services.edit.stepHours')}</label>
              <input
                id={`${stepIds}-hours-${i}`}
                type="number"
                min={1}
                value={s.hours}
                onChange={(e) => setStep(i, { hours: e.target.value })}
              />
            </div>
            <button
              type="button"
              className="button button--secondary"
              onClick={() =>
                set(
                  'steps',
                  draft.steps.filter((_, j) => j !== i),
                )
              }
            >
              {t('services.edit.removeStep', { n: i + 1 })}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button button--secondary"
          disabled={draft.steps.length >= 20}
          onClick={() => set('steps', [...draft.steps, { code: '', title: '', hours: '' }])}
        >
          {t('services.edit.addStep')}
        </button>
      </fieldset>

      <h2>{t('services.edit.objectives')}</h2>
      <Field label={t('services.edit.acknowledgeHours')} error={errors.acknowledgeHours}>
        {(id) => (
          <input
            id={id}
            type="number"
            min={1}
            required
            value={draft.acknowledgeHours}
            onChange={(e) => set('acknowledgeHours', e.target.value)}
          />
        )}
      </Field>
      <Field label={t('services.edit.resolveHours')} error={errors.resolveHours}>
        {(id) => (
          <input
            id={id}
            type="number"
            min={1}
            required
            value={draft.resolveHours}
            onChange={(e) => set('resolveHours', e.target.value)}
          />
        )}
      </Field>
      <Field label={t('services.edit.alertBelow')} hint={t('services.edit.alertBelowHint')} error={errors.alertBelow}>
        {(id) => (
          <input
            id={id}
            type="number"
            min={0}
            max={100}
            value={draft.alertBelow}
            onChange={(e) => set('alertBelow', e.target.value)}
          />
        )}
      </Field>
      <ChoiceField
        label={t('services.edit.routing')}
        error={errors.routing}
        value={draft.routing}
        options={ROUTINGS}
        labels={ROUTING_LABEL}
        onChange={(v) => set('routing', v)}
      />
      <Field
        label={t('services.edit.retentionDays')}
        hint={t('services.edit.retentionHint')}
        error={errors.retentionDays}
      >
        {(id) => (
          <input
            id={id}
            type="number"
            min={1}
            max={3650}
            required
            value={draft.retentionDays}
            onChange={(e) => set('retentionDays', e.target.value)}
          />
        )}
      </Field>
      <Field label={t('services.edit.keywords')} hint={t('services.edit.keywordsHint')} error={errors.keywords}>
        {(id) => <input id={id} value={draft.keywords} onChange={(e) => set('keywords', e.target.value)} />}
      </Field>
      <ErrorAlert
        error={save.error}
        shownFields={[
          'code',
          'title',
          'description',
          'eligibility',
          'formSchema',
          'steps',
          'acknowledgeHours',
          'resolveHours',
          'alertBelow',
          'retentionDays',
          'keywords',
        ]}
      />
      <StatusMessage>{saved}</StatusMessage>
      <button type="submit" className="button" disabled={save.pending || !parsed.schema}>
        {save.pending ? t('common.saving') : service ? t('services.edit.save') : t('services.edit.publish')}
      </button>
    </form>
  );
}

/** /services/new?organization=slug — an organization publishes a service. */
export function NewServicePage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const organization = params.get('organization') ?? '';
  useDocumentTitle(t('services.edit.newTitle'));
  return (
    <RequireUser>
      {() => (
        <>
          <div className="page-heading">
            <h1>{t('services.edit.newTitle')}</h1>
            {organization && (
              <p className="muted">
                <Link to={`/organizations/${organization}`}>{organization}</Link>
              </p>
            )}
          </div>
          {organization ? (
            <ServiceForm organization={organization} />
          ) : (
            <p className="empty-state">{t('services.edit.chooseOrganization')}</p>
          )}
        </>
      )}
    </RequireUser>
  );
}

/** /services/:code/manage — the organization edits its service, accredits and revokes operators. */
export function ManageServicePage() {
  const { code = '' } = useParams();
  const { t } = useI18n();
  const errorMessage = useErrorMessage();
  const service = useService(code);
  useDocumentTitle(t('services.edit.manageTitle', { title: service.data?.title ?? code }));
  return (
    <RequireUser>
      {() => {
        if (service.loading && !service.data) return <Loading />;
        if (service.error || !service.data)
          return <p className="notice notice--error">{service.error ? errorMessage(service.error) : ''}</p>;
        const s = service.data;
        if (!s.can.includes('manage')) return <p className="notice notice--error">{t('services.edit.forbidden')}</p>;
        return (
          <>
            <div className="page-heading">
              <h1>{t('services.edit.manageTitle', { title: s.title })}</h1>
              <p className="muted">
                <Link to={`/services/${s.code}`}>{t('services.edit.publicPage')}</Link> ·{' '}
                <Link to="/cases?as=organization">{t('services.edit.cases')}</Link>
              </p>
            </div>
            <ServiceForm service={s} organization={s.organization.slug} />
            <ServiceOperators service={s} />
          </>
        );
      }}
    </RequireUser>
  );
}
