/**
 * Request forms: a service's form is a JSON Schema of flat fields (`FormSchema`), checked when the service is
 * saved (compiled by Ajv, `required` naming real fields), used to validate every submission (web, API and Open311
 * alike), and described to Open311 clients as GeoReport v2 attributes (`attributesOf`). Open311 sends every value
 * as a string (`attribute[code]=value`, `attribute[code][]=a` for lists): `fromOpen311` turns them into the
 * schema's types before validation.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { invalid, type FieldError } from '../kernel/errors.js';
import type { FormSchema } from './schema.js';

// ajv-formats is CommonJS: its default export is the module itself under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

const ajv = addFormats(new Ajv({ allErrors: true, strict: true, coerceTypes: false, validateSchema: true }));
const compiled = new Map<string, ValidateFunction>();

/** Checks what the TypeBox shape cannot: `required` names fields, enums and items fit their types; compiles. */
export function checkFormSchema(schema: FormSchema): void {
  for (const name of schema.required ?? [])
    if (!Object.hasOwn(schema.properties, name)) invalidForm(`required names “${name}”, which is not a field`);
  for (const [name, field] of Object.entries(schema.properties)) {
    if (field.type === 'array' && !field.items) invalidForm(`${name}: a list field needs items with an enum`);
    if (field.type !== 'array' && (field.items || field.minItems !== undefined || field.maxItems !== undefined))
      invalidForm(`${name}: items, minItems and maxItems are for list fields`);
    if (field.type !== 'string' && (field.enum || field.format || field.minLength !== undefined))
      invalidForm(`${name}: enum, format and lengths are for text fields`);
    if (
      (field.minimum !== undefined || field.maximum !== undefined) &&
      field.type !== 'number' &&
      field.type !== 'integer'
    )
      invalidForm(`${name}: minimum and maximum are for number fields`);
  }
  try {
    ajv.compile({ ...schema, $schema: undefined, additionalProperties: false });
  } catch (error) {
    invalidForm((error as Error).message);
  }
}

function invalidForm(message: string): never {
  throw invalid('formSchema', message);
}

function validator(key: string, schema: FormSchema): ValidateFunction {
  let fn = compiled.get(key);
  if (!fn) {
    const { $schema: _ignored, ...rest } = schema;
    fn = ajv.compile({ ...rest, additionalProperties: false });
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, fn);
  }
  return fn;
}

/** The submission's errors against the form (field paths under `answers`); empty when valid. */
export function checkAnswers(key: string, schema: FormSchema, answers: Record<string, unknown>): FieldError[] {
  const fn = validator(key, schema);
  if (fn(answers)) return [];
  return (fn.errors ?? []).slice(0, 20).map((e) => {
    const extra = (e.params as { additionalProperty?: string; missingProperty?: string }) ?? {};
    const name = e.instancePath.replace(/^\//, '').split('/')[0] || extra.additionalProperty || extra.missingProperty;
    const message =
      e.keyword === 'additionalProperties'
        ? 'Unknown field'
        : e.keyword === 'required'
          ? 'Required'
          : (e.message ?? 'Invalid');
    return { field: name ? `answers.${name}` : 'answers', message };
  });
}

export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values?: Array<{ key: string; name: string }>;
}

/** The form as GeoReport v2 attributes (`GET services/{code}`). */
export function attributesOf(schema: FormSchema): Open311Attribute[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([code, field], i) => {
    const base = {
      variable: true,
      code,
      required: required.has(code),
      order: i + 1,
      description: field.title ?? code,
      datatype_description: field.description ?? '',
    };
    if (field.type === 'array')
      return {
        ...base,
        datatype: 'multivaluelist',
        values: (field.items?.enum ?? []).map((v) => ({ key: v, name: v })),
      };
    if (field.type === 'boolean')
      return {
        ...base,
        datatype: 'singlevaluelist',
        values: [
          { key: 'true', name: 'Yes' },
          { key: 'false', name: 'No' },
        ],
      };
    if (field.enum)
      return { ...base, datatype: 'singlevaluelist', values: field.enum.map((v) => ({ key: v, name: v })) };
    if (field.type === 'number' || field.type === 'integer') return { ...base, datatype: 'number' };
    if (field.format === 'date' || field.format === 'date-time') return { ...base, datatype: 'datetime' };
    return { ...base, datatype: field.maxLength !== undefined && field.maxLength <= 255 ? 'string' : 'text' };
  });
}

/**
 * Open311 attribute values (strings, or lists of strings) in the form's types. Unknown codes are left for the
 * validator to refuse; a value that does not read as its type is kept as given, so the error names the field.
 */
export function fromOpen311(schema: FormSchema, raw: Record<string, string | string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [code, value] of Object.entries(raw)) {
    const field = Object.hasOwn(schema.properties, code) ? schema.properties[code] : undefined;
    const first = Array.isArray(value) ? value[0] : value;
    if (!field) out[code] = value;
    else if (field.type === 'array') out[code] = Array.isArray(value) ? value : value === '' ? [] : [value];
    else if (field.type === 'number' || field.type === 'integer') {
      const n = first !== undefined && first.trim() !== '' ? Number(first) : NaN;
      out[code] = Number.isFinite(n) ? n : first;
    } else if (field.type === 'boolean') out[code] = first === 'true' ? true : first === 'false' ? false : first;
    else out[code] = first;
  }
  return out;
}
