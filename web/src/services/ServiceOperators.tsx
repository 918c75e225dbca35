import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useAction } from '../api/hooks';
import { useServiceActions, type AccreditInput, type Operator, type Service } from '../api/services';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorAlert, StatusMessage } from '../ui/Messages';
import { TableWrap } from '../ui/TableWrap';

/** "2.22, 48.81, 2.47, 48.91" → a box, or null when empty; undefined when it is not four numbers. */
function parseBox(text: string): [number, number, number, number] | null | undefined {
  if (text.trim() === '') return null;
  const parts = text.split(',').map((p) => Number(p.trim()));
  return parts.length === 4 && parts.every((n) => Number.isFinite(n))
    ? (parts as [number, number, number, number])
    : undefined;
}

function RevokeForm({ service, operator, onDone }: { service: Service; operator: Operator; onDone: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const actions = useServiceActions();
  const revoke = useAction();
  const [reason, setReason] = useState('');
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await revoke.run(() => actions.revoke(service.code, operator.id, reason));
    if (result.ok) onDone();
  };
  return (
    <form onSubmit={(e) => void onSubmit(e)} className="case-action">
      <div className="field">
        <label htmlFor={id}>{t('services.accredit.reason', { name: operator.organization.name })}</label>
        <input id={id} required maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <ErrorAlert error={revoke.error} />
      <button type="submit" className="button button--secondary" disabled={!reason.trim() || revoke.pending}>
        {t('services.accredit.revoke')}
      </button>
    </form>
  );
}

/** On the manage page: every accreditation (current, ended, revoked), accredit a new operator, revoke one. */
export function ServiceOperators({ service }: { service: Service }) {
  const { t, lang } = useI18n();
  const actions = useServiceActions();
  const accredit = useAction();
  const ids = {
    organization: useId(),
    codes: useId(),
    bbox: useId(),
    share: useId(),
    startsOn: useId(),
    endsOn: useId(),
    conditions: useId(),
  };
  const [form, setForm] = useState({
    organization: '',
    codes: '',
    bbox: '',
    share: '',
    startsOn: '',
    endsOn: '',
    conditions: '',
  });
  const [done, setDone] = useState<string | null>(null);
  const [boxError, setBoxError] = useState(false);
  const date = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
  const set = (key: keyof typeof form, value: string) => setForm((f) => ({ ...f, [key]: value }));
  const errors = accredit.fieldErrors;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const bbox = parseBox(form.bbox);
    setBoxError(bbox === undefined);
    if (bbox === undefined) return;
    const codes = form.codes
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    const body: AccreditInput = {
      organization: form.organization.trim(),
      ...(codes.length || bbox ? { territory: { codes: [...new Set(codes)], bbox } } : {}),
      ...(form.share ? { share: Number(form.share) } : {}),
      ...(form.startsOn ? { startsOn: form.startsOn } : {}),
      ...(form.endsOn ? { endsOn: form.endsOn } : {}),
      ...(form.conditions ? { conditions: form.conditions } : {}),
    };
    const result = await accredit.run(() => actions.accredit(service.code, body));
    if (result.ok) {
      setDone(t('services.accredit.done', { name: result.value.organization.name }));
      setForm({ organization: '', codes: '', bbox: '', share: '', startsOn: '', endsOn: '', conditions: '' });
    }
  };

  const statusOf = (o: Operator) =>
    o.status === 'revoked'
      ? t('services.accredit.revoked')
      : o.current
        ? t('services.accredit.current')
        : t('services.accredit.notCurrent');

  return (
    <section aria-labelledby="manage-operators">
      <h2 id="manage-operators">{t('services.accredit.heading')}</h2>
      <StatusMessage>{done}</StatusMessage>
      {service.operators.length === 0 ? (
        <p className="empty-state">{t('services.accredit.empty', { name: service.organization.name })}</p>
      ) : (
        <TableWrap label={t('services.accredit.heading')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('services.operators.operator')}</th>
                <th scope="col">{t('services.operators.territory')}</th>
                <th scope="col">{t('services.accredit.dates')}</th>
                <th scope="col">{t('services.operators.conditions')}</th>
                <th scope="col">{t('services.accredit.status')}</th>
              </tr>
            </thead>
            <tbody>
              {service.operators.map((o) => (
                <tr key={o.id}>
                  <th scope="row">
                    <Link to={`/organizations/${o.organization.slug}`}>{o.organization.name}</Link>
                  </th>
                  <td>
                    {[
                      ...o.territory.codes,
                      ...(o.territory.bbox ? [o.territory.bbox.join(', ')] : []),
                      ...(o.share ? [t('services.operators.share', { share: o.share })] : []),
                    ].join(' · ') || '—'}
                  </td>
                  <td>
                    {date.format(new Date(o.startsOn))}
                    {o.endsOn && ` → ${date.format(new Date(o.endsOn))}`}
                  </td>
                  <td>{o.conditions || '—'}</td>
                  <td>
                    {statusOf(o)}
                    {o.revokedReason && <p className="muted">{o.revokedReason}</p>}
                    {o.status === 'active' && (
                      <RevokeForm
                        service={service}
                        operator={o}
                        onDone={() => setDone(t('services.accredit.revokedDone', { name: o.organization.name }))}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}

      <form onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="accredit-heading">
        <h3 id="accredit-heading">{t('services.accredit.new')}</h3>
        <div className={errors.organization ? 'field field--invalid' : 'field'}>
          <label htmlFor={ids.organization}>{t('services.accredit.organization')}</label>
          <p className="field__hint">{t('services.accredit.organizationHint')}</p>
          {errors.organization && <p className="field__error">{errors.organization}</p>}
          <input
            id={ids.organization}
            required
            value={form.organization}
            onChange={(e) => set('organization', e.target.value)}
          />
        </div>
        <div className={errors.territory ? 'field field--invalid' : 'field'}>
          <label htmlFor={ids.codes}>{t('services.accredit.codes')}</label>
          <p className="field__hint">{t('services.accredit.codesHint')}</p>
          {errors.territory && <p className="field__error">{errors.territory}</p>}
          <input id={ids.codes} value={form.codes} onChange={(e) => set('codes', e.target.value)} />
        </div>
        <div className={boxError ? 'field field--invalid' : 'field'}>
          <label htmlFor={ids.bbox}>{t('services.accredit.bbox')}</label>
          <p className="field__hint">{t('services.accredit.bboxHint')}</p>
          {boxError && <p className="field__error">{t('services.accredit.bboxError')}</p>}
          <input
            id={ids.bbox}
            value={form.bbox}
            aria-invalid={boxError ? true : undefined}
            onChange={(e) => set('bbox', e.target.value)}
          />
        </div>
        <div className={errors.share ? 'field field--invalid' : 'field'}>
          <label htmlFor={ids.share}>{t('services.accredit.share')}</label>
          <p className="field__hint">{t('services.accredit.shareHint')}</p>
          {errors.share && <p className="field__error">{errors.share}</p>}
          <input
            id={ids.share}
            type="number"
            min={1}
            max={1000}
            value={form.share}
            onChange={(e) => set('share', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.startsOn}>{t('services.accredit.startsOn')}</label>
          <input
            id={ids.startsOn}
            type="date"
            value={form.startsOn}
            onChange={(e) => set('startsOn', e.target.value)}
          />
        </div>
        <div className={errors.endsOn ? 'field field--invalid' : 'field'}>
          <label htmlFor={ids.endsOn}>{t('services.accredit.endsOn')}</label>
          {errors.endsOn && <p className="field__error">{errors.endsOn}</p>}
          <input id={ids.endsOn} type="date" value={form.endsOn} onChange={(e) => set('endsOn', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.conditions}>{t('services.accredit.conditions')}</label>
          <textarea
            id={ids.conditions}
            maxLength={5000}
            value={form.conditions}
            onChange={(e) => set('conditions', e.target.value)}
          />
        </div>
        <ErrorAlert error={accredit.error} shownFields={['organization', 'territory', 'share', 'endsOn']} />
        <button type="submit" className="button" disabled={!form.organization.trim() || accredit.pending}>
          {accredit.pending ? t('common.saving') : t('services.accredit.submit')}
        </button>
      </form>
    </section>
  );
}
