import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { fieldErrors } from '../api/client';
import { useAction } from '../api/hooks';
import { useServiceActions, type FormField, type Service } from '../api/services';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorAlert } from '../ui/Messages';

/**
 * The service's JSON Schema rendered as an accessible form: one labelled control per field (select for an enum,
 * checkboxes in a fieldset for a list, a number input, a checkbox for a yes/no), required fields marked, the
 * server's errors shown beside their field. The server validates the answers again with the same schema.
 */
export function RequestForm({ service }: { service: Service }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const submit = useAction();
  const actions = useServiceActions();
  const ids = { description: useId(), territory: useId(), lat: useId(), long: useId() };
  const [answers, setAnswers] = useState<Record<string, unknown>>({});
  const [description, setDescription] = useState('');
  const [territory, setTerritory] = useState('');
  const [lat, setLat] = useState('');
  const [long, setLong] = useState('');
  const required = new Set(service.formSchema.required ?? []);
  const errors = submit.error ? fieldErrors(submit.error) : {};

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      answers,
      ...(description ? { description } : {}),
      ...(territory ? { territory } : {}),
      ...(lat && long ? { location: { lat: Number(lat), long: Number(long) } } : {}),
    };
    const result = await submit.run(() => actions.submit(service.code, body));
    if (result.ok) navigate(`/cases/${result.value.id}`);
  };

  const set = (name: string, value: unknown) =>
    setAnswers((a) => {
      const next = { ...a };
      if (value === undefined || value === '') delete next[name];
      else next[name] = value;
      return next;
    });

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="request-heading">
      <h2 id="request-heading">{t('services.request.heading')}</h2>
      {Object.entries(service.formSchema.properties).map(([name, field]) => (
        <FieldControl
          key={name}
          name={name}
          field={field}
          required={required.has(name)}
          value={answers[name]}
          error={errors[`answers.${name}`]}
          onChange={(v) => set(name, v)}
        />
      ))}
      <div className="field">
        <label htmlFor={ids.description}>
          {t('services.request.description')} <span className="muted">{t('common.optional')}</span>
        </label>
        <textarea
          id={ids.description}
          value={description}
          maxLength={5000}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      {service.location !== 'none' && (
        <fieldset>
          <legend>
            {t('services.request.where')}{' '}
            {service.location === 'optional' && <span className="muted">{t('common.optional')}</span>}
          </legend>
          <div className="field">
            <label htmlFor={ids.territory}>{t('services.request.territory')}</label>
            <input
              id={ids.territory}
              value={territory}
              inputMode="numeric"
              maxLength={20}
              onChange={(e) => setTerritory(e.target.value.trim())}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.lat}>{t('services.request.lat')}</label>
            <input id={ids.lat} value={lat} inputMode="decimal" onChange={(e) => setLat(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={ids.long}>{t('services.request.long')}</label>
            <input id={ids.long} value={long} inputMode="decimal" onChange={(e) => setLong(e.target.value)} />
          </div>
        </fieldset>
      )}
      <ErrorAlert
        error={submit.error}
        shownFields={Object.keys(service.formSchema.properties).map((n) => `answers.${n}`)}
      />
      <button type="submit" className="button" disabled={submit.pending}>
        {submit.pending ? t('common.saving') : t('services.request.submit')}
      </button>
    </form>
  );
}

export function FieldControl(props: {
  name: string;
  field: FormField;
  required: boolean;
  value: unknown;
  error?: string;
  onChange: (value: unknown) => void;
}) {
  const { t } = useI18n();
  const { name, field, required, value, error, onChange } = props;
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const label = field.title ?? name;
  const describedBy = [field.description ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, required };
  const mark = required ? <span aria-hidden="true"> *</span> : <span className="muted"> {t('common.optional')}</span>;
  const hint = field.description ? (
    <p id={hintId} className="field__hint">
      {field.description}
    </p>
  ) : null;
  const errorText = error ? (
    <p id={errorId} className="field__error">
      {error}
    </p>
  ) : null;

  if (field.type === 'array') {
    const chosen = new Set((value as string[] | undefined) ?? []);
    return (
      <fieldset className={error ? 'field field--invalid' : 'field'} aria-describedby={describedBy}>
        <legend>
          {label}
          {mark}
        </legend>
        {hint}
        {errorText}
        {(field.items?.enum ?? []).map((option) => (
          <label key={option} className="checkbox">
            <input
              type="checkbox"
              checked={chosen.has(option)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.target.checked) next.add(option);
                else next.delete(option);
                onChange(next.size ? [...next] : undefined);
              }}
            />{' '}
            {option}
          </label>
        ))}
      </fieldset>
    );
  }
  if (field.type === 'boolean') {
    return (
      <div className={error ? 'field field--invalid' : 'field'}>
        <label className="checkbox" htmlFor={id}>
          <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />{' '}
          {label}
        </label>
        {hint}
        {errorText}
      </div>
    );
  }
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={id}>
        {label}
        {mark}
      </label>
      {hint}
      {errorText}
      {field.enum ? (
        <select {...common} value={(value as string | undefined) ?? ''} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('services.request.choose')}</option>
          {field.enum.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : field.type === 'number' || field.type === 'integer' ? (
        <input
          {...common}
          type="number"
          step={field.type === 'integer' ? 1 : 'any'}
          min={field.minimum}
          max={field.maximum}
          value={value === undefined ? '' : String(value)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      ) : (
        <input
          {...common}
          type={
            field.format === 'email'
              ? 'email'
              : field.format === 'date'
                ? 'date'
                : field.format === 'uri'
                  ? 'url'
                  : 'text'
          }
          maxLength={field.maxLength}
          value={(value as string | undefined) ?? ''}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </div>
  );
}
