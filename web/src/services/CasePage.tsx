import { useId, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { uploadForm } from '../data/upload';
import { useAction } from '../api/hooks';
import { useCase, useCaseActions, useService, type CaseView } from '../api/services';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/en';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../ui/Messages';

export const STATUS: Record<string, MessageKey> = {
  submitted: 'services.status.submitted',
  acknowledged: 'services.status.acknowledged',
  info_requested: 'services.status.info_requested',
  in_progress: 'services.status.in_progress',
  resolved: 'services.status.resolved',
};
const KIND: Record<string, MessageKey> = {
  submitted: 'services.kind.submitted',
  routed: 'services.kind.routed',
  acknowledged: 'services.kind.acknowledged',
  info_requested: 'services.kind.info_requested',
  info_provided: 'services.kind.info_provided',
  status_changed: 'services.kind.status_changed',
  resolved: 'services.kind.resolved',
  reassigned: 'services.kind.reassigned',
  taken_back: 'services.kind.taken_back',
  complaint: 'services.kind.complaint',
  rated: 'services.kind.rated',
};

/** A note and a button: one action of the case. */
function NoteAction(props: {
  label: string;
  button: string;
  required?: boolean;
  run: (note: string) => Promise<unknown>;
  pending: boolean;
}) {
  const id = useId();
  const [note, setNote] = useState('');
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void props.run(note).then(() => setNote(''));
  };
  return (
    <form onSubmit={onSubmit} className="case-action">
      <div className="field">
        <label htmlFor={id}>{props.label}</label>
        <textarea
          id={id}
          value={note}
          required={props.required}
          maxLength={5000}
          onChange={(e) => setNote(e.target.value)}
        />
      </div>
      <button type="submit" className="button button--secondary" disabled={props.pending || (props.required && !note)}>
        {props.button}
      </button>
    </form>
  );
}

/** /cases/:id — the case as its requester, the operator or the organization sees it, and what each may do. */
export function CasePage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const c = useCase(id);
  const service = useService(c.data ? c.data.service.code : null);
  const action = useAction();
  const actions = useCaseActions(id);
  const [done, setDone] = useState<string | null>(null);
  const ids = { step: useId(), statusNote: useId(), visibility: useId(), operator: useId(), file: useId() };
  const [file, setFile] = useState<File | null>(null);
  const [step, setStep] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'private'>('public');
  const [statusNote, setStatusNote] = useState('');
  const [operator, setOperator] = useState('');
  useDocumentTitle(c.data ? t('services.case.title', { service: c.data.service.title }) : t('services.case.heading'));
  const date = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });

  if (c.loading && !c.data) return <Loading />;
  if (c.error || !c.data) return <p className="notice notice--error">{c.error ? errorMessage(c.error) : ''}</p>;
  const k = c.data;
  const can = new Set(k.actions);
  const post = async (send: () => Promise<CaseView>, message: MessageKey) => {
    const result = await action.run(send);
    if (result.ok) {
      c.setData(() => result.value);
      setDone(t(message));
    }
    return result.ok;
  };

  return (
    <>
      <div className="page-heading">
        <h1>{t('services.case.title', { service: k.service.title })}</h1>
        <p className="muted">
          <Link to={`/services/${k.service.code}`}>{k.service.title}</Link> · {k.organization.name}
          {k.operator && <> · {t('services.case.operator', { name: k.operator.organization.name })}</>}
        </p>
      </div>
      <dl className="facts">
        <dt>{t('services.case.status')}</dt>
        <dd>
          <span className="badge">{STATUS[k.status] ? t(STATUS[k.status]!) : k.status}</span>
          {k.step && ` · ${service.data?.steps.find((s) => s.code === k.step)?.title ?? k.step}`}
        </dd>
        <dt>{t('services.case.submitted')}</dt>
        <dd>{date.format(new Date(k.submittedAt))}</dd>
        <dt>{t('services.case.due')}</dt>
        <dd>{date.format(new Date(k.resolveDueAt))}</dd>
        {k.description && (
          <>
            <dt>{t('services.request.description')}</dt>
            <dd>{k.description}</dd>
          </>
        )}
        {k.answers &&
          Object.entries(k.answers).map(([name, value]) => (
            <div key={name}>
              <dt>{service.data?.formSchema.properties[name]?.title ?? name}</dt>
              <dd>{Array.isArray(value) ? value.join(', ') : String(value)}</dd>
            </div>
          ))}
      </dl>
      {k.attachments.length > 0 && (
        <section aria-labelledby="attachments">
          <h2 id="attachments">{t('services.case.attachments')}</h2>
          <ul>
            {k.attachments.map((a) => (
              <li key={a.index}>
                <a href={a.url}>{a.name}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {k.purgedAt && <p className="muted">{t('services.case.purged')}</p>}

      <section aria-labelledby="timeline">
        <h2 id="timeline">{t('services.case.timeline')}</h2>
        <ol className="timeline">
          {k.timeline.map((n) => (
            <li key={n.id}>
              <strong>{KIND[n.kind] ? t(KIND[n.kind]!) : n.kind}</strong>{' '}
              <span className="muted">
                {date.format(new Date(n.createdAt))}
                {n.visibility !== 'public' && ` · ${t('services.case.private')}`}
              </span>
              {n.note && <p>{n.note}</p>}
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="case-actions">
        <h2 id="case-actions">{t('services.case.actions')}</h2>
        <div role="status" className="live-region">
          {done && <StatusMessage>{done}</StatusMessage>}
        </div>
        <ErrorAlert error={action.error} />
        {k.actions.length === 0 && <p className="muted">{t('services.case.noAction')}</p>}
        {can.has('rate') && (
          <fieldset>
            <legend>{t('services.case.rate')}</legend>
            {[1, 2, 3, 4, 5].map((r) => (
              <button
                key={r}
                type="button"
                className="button button--secondary"
                aria-label={t('services.case.rateN', { n: r })}
                disabled={action.pending}
                onClick={() => void post(() => actions.rate(r), 'services.done.rated')}
              >
                {'★'.repeat(r)}
              </button>
            ))}
          </fieldset>
        )}
        {can.has('attach') && (
          <form
            className="case-action"
            onSubmit={(e) => {
              e.preventDefault();
              if (!file) return;
              const form = new FormData();
              form.append('file', file);
              void action
                .run(() => uploadForm<CaseView>(`/cases/${k.id}/attachments`, form, { lang }))
                .then((result) => {
                  if (!result.ok) return;
                  c.setData(() => result.value);
                  setFile(null);
                  setDone(t('services.done.attached'));
                });
            }}
          >
            <div className="field">
              <label htmlFor={ids.file}>{t('services.case.attach')}</label>
              <input id={ids.file} type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            </div>
            <button type="submit" className="button button--secondary" disabled={!file || action.pending}>
              {t('services.case.upload')}
            </button>
          </form>
        )}
        {can.has('provide_info') && (
          <NoteAction
            label={t('services.case.info')}
            button={t('services.case.send')}
            required
            pending={action.pending}
            run={(note) => post(() => actions.provideInfo(note), 'services.done.sent')}
          />
        )}
        {can.has('acknowledge') && (
          <p>
            <button
              type="button"
              className="button"
              disabled={action.pending}
              onClick={() => void post(actions.acknowledge, 'services.done.acknowledged')}
            >
              {t('services.case.acknowledge')}
            </button>
          </p>
        )}
        {can.has('status') && service.data && (
          <form
            className="case-action"
            onSubmit={(e) => {
              e.preventDefault();
              void post(
                () => actions.status({ step, visibility, ...(statusNote ? { note: statusNote } : {}) }),
                'services.done.status',
              ).then((ok) => ok && setStatusNote(''));
            }}
          >
            <div className="field">
              <label htmlFor={ids.step}>{t('services.case.step')}</label>
              <select id={ids.step} value={step} required onChange={(e) => setStep(e.target.value)}>
                <option value="">{t('services.request.choose')}</option>
                {service.data.steps.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.title}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.statusNote}>
                {t('services.case.statusNote')} <span className="muted">{t('common.optional')}</span>
              </label>
              <textarea
                id={ids.statusNote}
                value={statusNote}
                maxLength={5000}
                onChange={(e) => setStatusNote(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={ids.visibility}>{t('services.case.visibility')}</label>
              <select
                id={ids.visibility}
                value={visibility}
                onChange={(e) => setVisibility(e.target.value as 'public' | 'private')}
              >
                <option value="public">{t('services.case.public')}</option>
                <option value="private">{t('services.case.private')}</option>
              </select>
            </div>
            <button type="submit" className="button button--secondary" disabled={!step || action.pending}>
              {t('services.case.changeStatus')}
            </button>
          </form>
        )}
        {can.has('request_info') && (
          <NoteAction
            label={t('services.case.askInfo')}
            button={t('services.case.ask')}
            required
            pending={action.pending}
            run={(note) => post(() => actions.requestInfo(note), 'services.done.sent')}
          />
        )}
        {can.has('resolve') && (
          <NoteAction
            label={t('services.case.resolveNote')}
            button={t('services.case.resolve')}
            pending={action.pending}
            run={(note) => post(() => actions.resolve(note), 'services.done.resolved')}
          />
        )}
        {can.has('assign') && service.data && (
          <form
            className="case-action"
            onSubmit={(e) => {
              e.preventDefault();
              void post(() => actions.assign(operator === '' ? null : operator), 'services.done.assigned');
            }}
          >
            <div className="field">
              <label htmlFor={ids.operator}>{t('services.case.assign')}</label>
              <select id={ids.operator} value={operator} onChange={(e) => setOperator(e.target.value)}>
                <option value="">{t('services.case.takeBack')}</option>
                {service.data.operators
                  .filter((o) => o.current)
                  .map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.organization.name}
                    </option>
                  ))}
              </select>
            </div>
            <button type="submit" className="button button--secondary" disabled={action.pending}>
              {t('services.case.route')}
            </button>
          </form>
        )}
        {can.has('complain') && (
          <NoteAction
            label={t('services.case.complain', { name: k.organization.name })}
            button={t('services.case.send')}
            required
            pending={action.pending}
            run={(note) => post(() => actions.complain(note), 'services.done.complaint')}
          />
        )}
      </section>
    </>
  );
}
