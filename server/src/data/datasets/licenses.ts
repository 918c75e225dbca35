/** Licences a dataset may carry: SPDX ids plus the French government's Licence Ouverte. */
export const licenses = {
  'etalab-2.0': {
    title: 'Licence Ouverte / Open Licence 2.0 (Etalab)',
    url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/',
  },
  'ODbL-1.0': { title: 'Open Database License (ODbL) 1.0', url: 'https://opendatacommons.org/licenses/odbl/1-0/' },
  'CC-BY-4.0': { title: 'Creative Commons Attribution 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' },
  'CC-BY-SA-4.0': {
    title: 'Creative Commons Attribution-ShareAlike 4.0',
    url: 'https://creativecommons.org/licenses/by-sa/4.0/',
  },
  'CC0-1.0': {
    title: 'Creative Commons Zero 1.0 (public domain dedication)',
    url: 'https://creativecommons.org/publicdomain/zero/1.0/',
  },
  'ODC-By-1.0': { title: 'Open Data Commons Attribution 1.0', url: 'https://opendatacommons.org/licenses/by/1-0/' },
  'PDDL-1.0': {
    title: 'Open Data Commons Public Domain Dedication and License 1.0',
    url: 'https://opendatacommons.org/licenses/pddl/1-0/',
  },
  'LO-2.0': {
    title: 'Licence Ouverte 2.0 (alias of etalab-2.0)',
    url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/',
  },
  'other-open': { title: 'Other open licence (see description)', url: '' },
} as const;

export type LicenseId = keyof typeof licenses;
export const licenseIds = Object.keys(licenses) as LicenseId[];
