import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import { useAccountActions } from '../../api/platform';
import { useT } from '../../i18n/I18nProvider';
import { TextAreaField, TextField } from '../../ui/Field';
import { ErrorAlert } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import * as v from '../../ui/validate';

type F = 'name' | 'slug' | 'description';

export function CreateOrganizationForm() {
  const t = useT();
  const navigate = useNavigate();
  const action = useAction();
  const account = useAccountActions();
  const errors = useFormErrors<F>(action);
  const [values, setValues] = useState<Record<F, string>>({ name: '', slug: '', description: '' });
  const set = (field: F) => (value: string) => setValues((prev) => ({ ...prev, [field]: value }));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!errors.accept(v.validate(values, { name: v.required }))) return;
    const body: { name: string; slug?: string; description?: string } = { name: values.name.trim() };
    if (values.slug.trim()) body.slug = values.slug.trim();
    if (values.description.trim()) body.description = values.description.trim();
    const result = await action.run(() => account.createOrganization(body));
    if (result.ok) navigate(`/organizations/${encodeURIComponent(result.value.slug)}`);
  };

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="form subpanel" aria-labelledby="new-org-heading">
      <h3 id="new-org-heading">{t('orgCreate.heading')}</h3>
      <ErrorAlert error={action.error} shownFields={['name', 'slug', 'description']} />
      <TextField
        label={t('orgCreate.name')}
        required
        maxLength={100}
        value={values.name}
        onValueChange={set('name')}
        error={errors.errorFor('name')}
      />
      <TextField
        label={t('orgCreate.slug')}
        hint={t('orgCreate.slugHint')}
        autoCapitalize="none"
        spellCheck={false}
        maxLength={39}
        value={values.slug}
        onValueChange={(value) => set('slug')(value.toLowerCase())}
        error={errors.errorFor('slug')}
      />
      <TextAreaField
        label={t('orgCreate.description')}
        rows={3}
        value={values.description}
        onValueChange={set('description')}
        error={errors.errorFor('description')}
      />
      <button type="submit" className="button" disabled={action.pending}>
        {t('orgCreate.submit')}
      </button>
    </form>
  );
}
