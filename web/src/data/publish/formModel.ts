import type { DatasetInput, DatasetStatus, DatasetView } from '../../api/data';
import type { MessageKey } from '../../i18n/en';

export type FieldName =
  | 'title'
  | 'slug'
  | 'organization'
  | 'description'
  | 'keywords'
  | 'license'
  | 'contactName'
  | 'contactEmail'
  | 'start'
  | 'end'
  | 'spatial'
  | 'frequency'
  | 'status';

export type Values = Record<FieldName, string> & { themes: string[] };

/** "personal" in the organization select means no organization. */
export const PERSONAL = '';

export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$';

export function emptyValues(organization = PERSONAL): Values {
  return {
    title: '',
    slug: '',
    organization,
    description: '',
    keywords: '',
    license: 'etalab-2.0',
    contactName: '',
    contactEmail: '',
    start: '',
    end: '',
    spatial: '',
    frequency: '',
    status: 'draft',
    themes: [],
  };
}

export function valuesFrom(d: DatasetView): Values {
  return {
    title: d.title,
    slug: d.slug,
    organization: d.organization?.slug ?? PERSONAL,
    description: d.description ?? '',
    keywords: d.keywords.join(', '),
    license: d.license.id,
    contactName: d.contactPoint?.name ?? '',
    contactEmail: d.contactPoint?.email ?? '',
    start: d.temporal?.start ?? '',
    end: d.temporal?.end ?? '',
    spatial: d.spatial ?? '',
    frequency: d.frequency ?? '',
    status: d.status,
    themes: [...d.themes],
  };
}

export function parseKeywords(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const k = part.trim();
    if (k) seen.add(k);
  }
  return [...seen];
}

/** Statuses a dataset may move to from `current` (including staying). */
export function nextStatuses(current: DatasetStatus | null): DatasetStatus[] {
  if (current === null) return ['draft', 'published'];
  if (current === 'draft') return ['draft', 'published'];
  if (current === 'published') return ['published', 'archived'];
  return ['archived', 'published'];
}

export function validateValues(v: Values, creating: boolean): Partial<Record<FieldName, MessageKey>> {
  const errors: Partial<Record<FieldName, MessageKey>> = {};
  const title = v.title.trim();
  if (!title) errors.title = 'validation.required';
  else if (title.length < 3) errors.title = 'data.form.titleLength';
  if (creating && v.slug.trim() && !new RegExp(SLUG_PATTERN).test(v.slug.trim())) errors.slug = 'data.form.slugInvalid';
  if (v.contactEmail.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.contactEmail.trim()))
    errors.contactEmail = 'validation.email';
  if (v.start && v.end && v.end < v.start) errors.end = 'data.form.endBeforeStart';
  if (parseKeywords(v.keywords).some((k) => k.length > 60)) errors.keywords = 'data.form.keywordLength';
  return errors;
}

/**
 * What the form sends: POST /datasets when creating, PATCH /datasets/{slug} when editing (which also takes
 * `archived` and a null `spatial`). Select values are narrowed to the schema's enums they were drawn from.
 */
export type DatasetBody = Omit<DatasetInput, 'status' | 'spatial'> & {
  status?: DatasetStatus;
  spatial?: string | null;
};

export function toBody(v: Values, creating: boolean): DatasetBody {
  const contactPoint: DatasetInput['contactPoint'] = {};
  if (v.contactName.trim()) contactPoint.name = v.contactName.trim();
  if (v.contactEmail.trim()) contactPoint.email = v.contactEmail.trim();
  const temporal: DatasetInput['temporal'] = {};
  if (v.start) temporal.start = v.start;
  if (v.end) temporal.end = v.end;
  const body: DatasetBody = {
    title: v.title.trim(),
    description: v.description,
    keywords: parseKeywords(v.keywords),
    themes: v.themes,
    license: v.license as DatasetInput['license'],
    contactPoint,
    temporal,
    status: v.status as DatasetStatus,
  };
  if (v.frequency) body.frequency = v.frequency as NonNullable<DatasetInput['frequency']>;
  if (creating) {
    if (v.slug.trim()) body.slug = v.slug.trim();
    if (v.organization) body.organization = v.organization;
    if (v.spatial.trim()) body.spatial = v.spatial.trim();
  } else {
    body.spatial = v.spatial.trim() || null;
  }
  return body;
}
