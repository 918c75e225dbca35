/**
 * Notification texts, in English and French. A notification stores its type and parameters; its
 * text is rendered here, in the reader's language, when it is read or mailed.
 */
export type Locale = 'en' | 'fr';

export const localeOf = (value: string | null | undefined): Locale => (value === 'fr' ? 'fr' : 'en');

export type Params = Record<string, unknown>;

const str = (v: unknown, fallback = '?') =>
  typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : fallback;

/** What happened to a service request, as its requester reads it. */
const caseActions: Record<Locale, Record<string, string>> = {
  en: {
    acknowledged: 'it was acknowledged',
    info_requested: 'more information is asked of you',
    status_changed: 'its status changed',
    resolved: 'it was resolved',
    reassigned: 'another operator handles it now',
    taken_back: 'the organization handles it now',
    routed: 'an operator handles it now',
  },
  fr: {
    acknowledged: 'elle a été prise en compte',
    info_requested: 'des informations vous sont demandées',
    status_changed: 'son statut a changé',
    resolved: 'elle a été traitée',
    reassigned: 'un autre opérateur la traite désormais',
    taken_back: 'l’organisation la traite désormais',
    routed: 'un opérateur la traite désormais',
  },
};

const templates: Record<string, Record<Locale, (p: Params) => string>> = {
  'contribution.accepted': {
    en: (p) =>
      p.partial
        ? `Your contribution to ${str(p.dataset)} was partially accepted`
        : `Your contribution to ${str(p.dataset)} was accepted`,
    fr: (p) =>
      p.partial
        ? `Votre contribution à ${str(p.dataset)} a été acceptée en partie`
        : `Votre contribution à ${str(p.dataset)} a été acceptée`,
  },
  'contribution.rejected': {
    en: (p) => `Your contribution to ${str(p.dataset)} was not accepted`,
    fr: (p) => `Votre contribution à ${str(p.dataset)} n’a pas été acceptée`,
  },
  'contribution.changes_requested': {
    en: (p) => `Changes were requested on your contribution to ${str(p.dataset)}`,
    fr: (p) => `Des modifications sont demandées sur votre contribution à ${str(p.dataset)}`,
  },
  'contribution.awaiting_reviewer': {
    en: (p) =>
      `${str(p.author, 'Someone')} proposed changes to ${str(p.dataset)} and nobody else in the organization can review them`,
    fr: (p) =>
      `${str(p.author, 'Quelqu’un')} propose des modifications de ${str(p.dataset)} et personne d’autre dans l’organisation ne peut les examiner`,
  },
  'badge.awarded': {
    en: (p) => `You earned the badge “${str(p.name, str(p.badge))}”`,
    fr: (p) => `Vous avez obtenu le badge « ${str(p.name, str(p.badge))} »`,
  },
  'trust_level.changed': {
    en: (p) =>
      Number(p.to) >= Number(p.from) ? `Your trust level rose to ${str(p.to)}` : `Your trust level is now ${str(p.to)}`,
    fr: (p) =>
      Number(p.to) >= Number(p.from)
        ? `Votre niveau de confiance est passé à ${str(p.to)}`
        : `Votre niveau de confiance est désormais ${str(p.to)}`,
  },
  'discussion.replied': {
    en: (p) => `${str(p.author, 'Someone')} replied in a discussion you follow`,
    fr: (p) => `${str(p.author, 'Quelqu’un')} a répondu dans une discussion que vous suivez`,
  },
  'user.mentioned': {
    en: (p) => `${str(p.author, 'Someone')} mentioned you in a discussion`,
    fr: (p) => `${str(p.author, 'Quelqu’un')} vous a mentionné dans une discussion`,
  },
  'service_case.updated': {
    en: (p) => `Your request to ${str(p.service)}: ${caseActions.en[str(p.action)] ?? 'it changed'}`,
    fr: (p) => `Votre demande (${str(p.service)}) : ${caseActions.fr[str(p.action)] ?? 'elle a changé'}`,
  },
  'service_case.complaint': {
    en: (p) => `A requester turned to your organization about a case of ${str(p.service)}`,
    fr: (p) => `Un usager s’adresse à votre organisation au sujet d’une demande (${str(p.service)})`,
  },
  'service.objective_missed': {
    en: (p) => `Objectives of ${str(p.service)} missed in ${str(p.month)}: ${str(p.share)} % within objective`,
    fr: (p) => `Objectifs de ${str(p.service)} manqués en ${str(p.month)} : ${str(p.share)} % dans les délais`,
  },
};

/** Names that params carry by code and that the reader's language decides (a badge's name). */
export interface Names {
  badge?(code: string, locale: Locale): string | undefined;
}

/**
 * The text in `locale`. Params keep codes, so a notification made in one language reads in another; a badge's
 * name is looked up by its code (older rows also stored the English name, used only when the code is unknown).
 */
export function renderText(type: string, params: Params, locale: Locale, names: Names = {}): string {
  const template = templates[type];
  if (!template) return type;
  if (type === 'badge.awarded' && typeof params.badge === 'string') {
    const name = names.badge?.(params.badge, locale);
    if (name) return template[locale]({ ...params, name });
  }
  return template[locale](params);
}

const ui = {
  en: {
    open: 'Open',
    manage: 'Change which notifications you receive by email',
    digestSubject: (n: number) =>
      n === 1 ? 'Your daily summary: 1 notification' : `Your daily summary: ${n} notifications`,
    digestIntro: 'Here is what happened since your last summary:',
    more: (n: number) => `… and ${n} more in your notification center.`,
  },
  fr: {
    open: 'Ouvrir',
    manage: 'Choisir les notifications que vous recevez par courriel',
    digestSubject: (n: number) =>
      n === 1 ? 'Votre résumé du jour : 1 notification' : `Votre résumé du jour : ${n} notifications`,
    digestIntro: 'Voici ce qui s’est passé depuis votre dernier résumé :',
    more: (n: number) => `… et ${n} autres dans votre centre de notifications.`,
  },
} as const;

export const mailText = (locale: Locale) => ui[locale];
