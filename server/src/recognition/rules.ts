/**
 * The published rules of recognition: reputation points, badges, trust levels. They are data, shown
 * as they are by `GET /api/v1/badges` and `GET /api/v1/trust-levels`, so contributors can read what
 * the platform rewards.
 */

/** Points given or taken per event. A platform may pass its own to `createRecognition`. */
export interface ReputationRules {
  /** Author of an accepted contribution: this much… */
  acceptedBase: number;
  /** …plus this much per row applied… */
  acceptedPerRow: number;
  /** …at most this much in all for one contribution. */
  acceptedCap: number;
  /** Reviewer of a contribution accepted or rejected (not as spam). Never for reviewing oneself. */
  review: number;
  /** Author of a discussion answer marked helpful (by someone else). */
  helpfulAnswer: number;
  /** Author of a contribution rejected as spam (negative). */
  spamRejection: number;
  /** Author of content hidden by moderation (negative). */
  contentHidden: number;
}

export const defaultReputationRules: ReputationRules = {
  acceptedBase: 10,
  acceptedPerRow: 1,
  acceptedCap: 50,
  review: 2,
  helpfulAnswer: 15,
  spamRejection: -25,
  contentHidden: -10,
};

/** Reason codes of reputation entries. */
export type ReputationReason =
  'contribution_accepted' | 'review' | 'answer_helpful' | 'contribution_spam' | 'content_hidden';

export function acceptedPoints(rules: ReputationRules, rowsApplied: number): number {
  const rows = Math.max(0, Math.floor(rowsApplied));
  return Math.min(rules.acceptedCap, rules.acceptedBase + rules.acceptedPerRow * rows);
}

export interface Localized {
  en: string;
  fr: string;
}

export interface BadgeDefinition {
  code: string;
  name: Localized;
  criterion: Localized;
  /** Repeatable badges may be held several times; none is yet. */
  repeatable: boolean;
}

export const badgeDefinitions: readonly BadgeDefinition[] = [
  {
    code: 'first-contribution',
    repeatable: false,
    name: { en: 'First contribution', fr: 'Première contribution' },
    criterion: { en: 'Had a first contribution accepted.', fr: 'A vu une première contribution acceptée.' },
  },
  {
    code: 'changes-10',
    repeatable: false,
    name: { en: '10 changes', fr: '10 modifications' },
    criterion: { en: '10 changes (rows) accepted in all.', fr: '10 modifications (lignes) acceptées au total.' },
  },
  {
    code: 'changes-100',
    repeatable: false,
    name: { en: '100 changes', fr: '100 modifications' },
    criterion: { en: '100 changes (rows) accepted in all.', fr: '100 modifications (lignes) acceptées au total.' },
  },
  {
    code: 'changes-1000',
    repeatable: false,
    name: { en: '1,000 changes', fr: '1 000 modifications' },
    criterion: { en: '1,000 changes (rows) accepted in all.', fr: '1 000 modifications (lignes) acceptées au total.' },
  },
  {
    code: 'first-review',
    repeatable: false,
    name: { en: 'First review', fr: 'Première relecture' },
    criterion: {
      en: 'Accepted or rejected a first contribution as a reviewer.',
      fr: 'A accepté ou refusé une première contribution en tant que relecteur.',
    },
  },
  {
    code: 'streak-7',
    repeatable: false,
    name: { en: '7-day streak', fr: 'Série de 7 jours' },
    criterion: {
      en: 'Had a contribution accepted on each of 7 consecutive days (UTC).',
      fr: 'A vu une contribution acceptée chacun de 7 jours consécutifs (UTC).',
    },
  },
  {
    code: 'dataset-caretaker',
    repeatable: false,
    name: { en: 'Dataset caretaker', fr: 'Gardien de jeu de données' },
    criterion: {
      en: 'Had contributions accepted on the same dataset on 5 different days.',
      fr: 'A vu des contributions acceptées sur un même jeu de données 5 jours différents.',
    },
  },
];

export const changeThresholds: ReadonlyArray<[number, string]> = [
  [10, 'changes-10'],
  [100, 'changes-100'],
  [1000, 'changes-1000'],
];
export const STREAK_DAYS = 7;
export const CARETAKER_DAYS = 5;

export const badgeByCode = new Map(badgeDefinitions.map((b) => [b.code, b]));

/** Trust levels in the spirit of Discourse: promoted automatically on published thresholds. */
export interface TrustLevelDefinition {
  level: 0 | 1 | 2 | 3 | 4;
  code: 'new' | 'basic' | 'member' | 'regular' | 'leader';
  name: Localized;
  /** Automatic thresholds; level 4 is granted by a platform administrator only. */
  requirements: { acceptedContributions: number; daysSinceSignUp: number; maxSpamRejections: number | null } | null;
  requirementText: Localized;
  /** Contribution proposals per day; null = unlimited. */
  proposalsPerDay: number | null;
  privileges: Localized[];
}

const proposals = (n: number | null): Localized =>
  n === null
    ? { en: 'Unlimited proposals per day', fr: 'Propositions illimitées par jour' }
    : { en: `Up to ${n} proposals per day`, fr: `Jusqu’à ${n} propositions par jour` };
const directEdits: Localized = {
  en: 'Direct edits without review on datasets that allow it',
  fr: 'Modifications directes sans relecture sur les jeux de données qui le permettent',
};
const reviewing: Localized = {
  en: 'Reviewing contributions for organizations that opt in',
  fr: 'Relecture des contributions pour les organisations qui l’acceptent',
};
const moderation: Localized = { en: 'Moderation', fr: 'Modération' };

export const trustLevels: readonly TrustLevelDefinition[] = [
  {
    level: 0,
    code: 'new',
    name: { en: 'New', fr: 'Nouveau' },
    requirements: { acceptedContributions: 0, daysSinceSignUp: 0, maxSpamRejections: null },
    requirementText: { en: 'Everyone starts here.', fr: 'Tout le monde commence ici.' },
    proposalsPerDay: 20,
    privileges: [proposals(20)],
  },
  {
    level: 1,
    code: 'basic',
    name: { en: 'Basic', fr: 'Initié' },
    requirements: { acceptedContributions: 1, daysSinceSignUp: 0, maxSpamRejections: null },
    requirementText: { en: '1 contribution accepted.', fr: '1 contribution acceptée.' },
    proposalsPerDay: 50,
    privileges: [proposals(50)],
  },
  {
    level: 2,
    code: 'member',
    name: { en: 'Member', fr: 'Membre' },
    requirements: { acceptedContributions: 10, daysSinceSignUp: 7, maxSpamRejections: null },
    requirementText: {
      en: '10 contributions accepted and 7 days since sign-up.',
      fr: '10 contributions acceptées et 7 jours depuis l’inscription.',
    },
    proposalsPerDay: 200,
    privileges: [proposals(200)],
  },
  {
    level: 3,
    code: 'regular',
    name: { en: 'Regular', fr: 'Habitué' },
    requirements: { acceptedContributions: 50, daysSinceSignUp: 30, maxSpamRejections: 2 },
    requirementText: {
      en: '50 contributions accepted, 30 days since sign-up and fewer than 3 contributions rejected as spam.',
      fr: '50 contributions acceptées, 30 jours depuis l’inscription et moins de 3 contributions refusées comme indésirables.',
    },
    proposalsPerDay: 1000,
    privileges: [proposals(1000), directEdits, reviewing],
  },
  {
    level: 4,
    code: 'leader',
    name: { en: 'Leader', fr: 'Meneur' },
    requirements: null,
    requirementText: {
      en: 'Granted by a platform administrator.',
      fr: 'Accordé par un administrateur de la plateforme.',
    },
    proposalsPerDay: null,
    privileges: [proposals(null), directEdits, reviewing, moderation],
  },
];

export const demotionText: Localized = {
  en: 'A contribution rejected as spam drops a level 1–3 user by one level; contributions accepted after a demotion count toward promotion again.',
  fr: 'Une contribution refusée comme indésirable fait perdre un niveau à un utilisateur de niveau 1 à 3 ; les contributions acceptées après la rétrogradation comptent à nouveau pour la promotion.',
};

/**
 * The level the thresholds give. `sinceChange` counts contributions accepted since the last demotion
 * or manual change (a demoted user earns the level back); spam rejections are counted for life.
 */
export function thresholdLevel(stats: {
  acceptedSinceChange: number;
  spamRejections: number;
  daysSinceSignUp: number;
}): 0 | 1 | 2 | 3 {
  let level: 0 | 1 | 2 | 3 = 0;
  for (const def of trustLevels) {
    const r = def.requirements;
    if (!r || def.level === 0 || def.level === 4) continue;
    const ok =
      stats.acceptedSinceChange >= r.acceptedContributions &&
      stats.daysSinceSignUp >= r.daysSinceSignUp &&
      (r.maxSpamRejections === null || stats.spamRejections <= r.maxSpamRejections);
    if (ok) level = def.level as 1 | 2 | 3;
    else break;
  }
  return level;
}

export const DAY_MS = 86_400_000;
export const utcDay = (iso: string) => new Date(iso).toISOString().slice(0, 10);
export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
