import type { MessageKey } from '../i18n/en';
import type { Translate } from '../i18n/I18nProvider';

/** EU data themes (publications office "data-theme" codes). */
export const THEMES = [
  'AGRI',
  'ECON',
  'EDUC',
  'ENER',
  'ENVI',
  'GOVE',
  'HEAL',
  'INTR',
  'JUST',
  'REGI',
  'SOCI',
  'TECH',
  'TRAN',
] as const;

export const LICENSES = [
  'etalab-2.0',
  'ODbL-1.0',
  'CC-BY-4.0',
  'CC-BY-SA-4.0',
  'CC0-1.0',
  'ODC-By-1.0',
  'PDDL-1.0',
  'other-open',
] as const;

export const LICENSE_NAMES: Record<string, string> = {
  'etalab-2.0': 'Licence Ouverte / Open Licence 2.0 (Etalab)',
  'ODbL-1.0': 'Open Database License (ODbL) 1.0',
  'CC-BY-4.0': 'Creative Commons Attribution 4.0',
  'CC-BY-SA-4.0': 'Creative Commons Attribution-ShareAlike 4.0',
  'CC0-1.0': 'Creative Commons Zero 1.0 (public domain)',
  'ODC-By-1.0': 'Open Data Commons Attribution 1.0',
  'PDDL-1.0': 'Open Data Commons Public Domain Dedication 1.0',
};

export const FREQUENCIES = [
  'continuous',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'biannual',
  'annual',
  'irregular',
  'unknown',
] as const;

function known<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

export function themeLabel(t: Translate, code: string): string {
  return known(THEMES, code) ? t(`data.theme.${code}` as MessageKey) : code;
}

export function licenseLabel(t: Translate, id: string): string {
  if (id === 'other-open') return t('data.license.otherOpen');
  return LICENSE_NAMES[id] ?? id;
}

export function frequencyLabel(t: Translate, value: string): string {
  return known(FREQUENCIES, value) ? t(`data.frequency.${value}` as MessageKey) : value;
}

export function statusLabel(t: Translate, status: string): string {
  return known(['draft', 'published', 'archived'] as const, status) ? t(`data.status.${status}` as MessageKey) : status;
}

export function jobStatusLabel(t: Translate, status: string): string {
  return known(['queued', 'running', 'succeeded', 'failed'] as const, status)
    ? t(`data.job.${status}` as MessageKey)
    : status;
}

export function versionStatusLabel(t: Translate, status: string): string {
  return known(['importing', 'live', 'failed', 'superseded', 'stored'] as const, status)
    ? t(`data.version.${status}` as MessageKey)
    : status;
}
