/**
 * The event catalog: every domain event type the platform records, declared once. For each type: its payload
 * (a TypeBox schema, so also a TypeScript type), the visibilities it may be recorded with, whether webhook
 * subscribers may receive it (and under which public type), and a sentence in French and English for the activity
 * feed.
 *
 * Contract: `events.record()` only takes a type declared here, with that type's payload and one of its
 * visibilities (a compile error otherwise); consumers read `StoredEvent<T>` with a typed payload. The test harness
 * also validates every recorded payload against its schema (`validate` of the recorder). A payload, once recorded,
 * is public API for webhooks and stays in the outbox forever: add optional fields, never change a field's meaning.
 *
 * Sentences: `{actor}` and `{organization}` are the names of the event's actor and organization; any other
 * `{key}` is the payload's field of that name (a test checks every placeholder names a field of the schema).
 *
 * One entry per event, grouped by the capability that records it: a new event is a new entry here and nothing else.
 */
import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';

/** Who may read an event: anyone, the members of its organization, or the platform only (consumers). */
export type Visibility = 'public' | 'organization' | 'private';

export interface EventDefinition {
  /** What it means, for the documentation and the webhook event list. */
  description: string;
  payload: TObject;
  /** The visibilities it may be recorded with. */
  visibility: readonly Visibility[];
  /**
   * Delivered to webhook subscribers (public and organization events only, never private ones); `as` names the
   * public type when it differs from the internal one.
   */
  webhook?: { as?: string };
  /** The activity feed's sentence. */
  text: { fr: string; en: string };
  /**
   * `hashed`: logged in the transparency log although private — the entry has no actor, subject or
   * organization, only the hash of the payload (personal-data access records: counted publicly, readable by
   * the person concerned only).
   */
  ledger?: 'hashed';
}

/** One entry; the payload is a closed object: a recorded payload has exactly the declared fields. */
const event = <P extends TProperties, const V extends readonly Visibility[]>(
  d: Omit<EventDefinition, 'payload' | 'visibility'> & { payload: P; visibility: V },
) => ({ ...d, payload: Type.Object(d.payload, { additionalProperties: false }) });

const Id = Type.String();
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Strings = Type.Array(Type.String());
const PUBLIC = ['public'] as const;
const PRIVATE = ['private'] as const;
const ORGANIZATION = ['organization'] as const;
/** Public, or organization-only while the dataset it is about is a draft. */
const DATASET_SCOPED = ['public', 'organization'] as const;

const contributionBase = {
  contributionId: Id,
  dataset: Type.String({ description: 'dataset slug' }),
  datasetId: Id,
  resourceId: Id,
  organizationId: Nullable(Id),
  authorId: Id,
};

export const eventCatalog = {
  // platform: accounts, tokens, organizations
  'user.registered': event({
    description: 'An account was created',
    payload: { handle: Type.String() },
    visibility: PUBLIC,
    text: { fr: '{actor} a rejoint la plateforme', en: '{actor} joined the platform' },
  }),
  'user.signed_in': event({
    description: 'Someone signed in',
    payload: { method: Type.String() },
    visibility: PRIVATE,
    text: { fr: '{actor} s’est connecté', en: '{actor} signed in' },
  }),
  'user.updated': event({
    description: 'A user changed their profile',
    payload: { fields: Strings },
    visibility: PRIVATE,
    text: { fr: '{actor} a modifié son profil', en: '{actor} updated their profile' },
  }),
  'user.email_verified': event({
    description: 'A user verified their email address',
    payload: {},
    visibility: PRIVATE,
    text: { fr: '{actor} a vérifié son adresse', en: '{actor} verified their email address' },
  }),
  'user.password_reset': event({
    description: 'A user reset their password (every session was closed)',
    payload: {},
    visibility: PRIVATE,
    text: { fr: '{actor} a réinitialisé son mot de passe', en: '{actor} reset their password' },
  }),
  'user.promoted_admin': event({
    description: 'An account became a platform administrator (multitude admin create)',
    payload: {},
    visibility: PRIVATE,
    text: { fr: 'Un compte est devenu administrateur', en: 'An account became an administrator' },
  }),
  'user.erased': event({
    description:
      'A person erased their account: personal data removed, the handle replaced by a pseudonym (the payload holds only the pseudonym)',
    payload: { handle: Type.String() },
    visibility: PUBLIC,
    text: { fr: 'Le compte {actor} a été effacé', en: 'The account {actor} was erased' },
  }),
  'token.created': event({
    description: 'A personal access token was created',
    payload: { scopes: Strings },
    visibility: PRIVATE,
    text: { fr: '{actor} a créé un jeton d’accès', en: '{actor} created an access token' },
  }),
  'token.revoked': event({
    description: 'A personal access token was revoked',
    payload: {},
    visibility: PRIVATE,
    text: { fr: '{actor} a révoqué un jeton d’accès', en: '{actor} revoked an access token' },
  }),
  'organization.created': event({
    description: 'An organization was created',
    payload: { slug: Type.String(), name: Type.String() },
    visibility: PUBLIC,
    text: { fr: '{actor} a créé l’organisation {name}', en: '{actor} created the organization {name}' },
  }),
  'organization.updated': event({
    description: 'An organization’s profile changed',
    payload: { fields: Strings },
    visibility: PUBLIC,
    text: { fr: '{actor} a modifié le profil de {organization}', en: '{actor} updated the profile of {organization}' },
  }),
  'organization.member_invited': event({
    description: 'Someone was invited to join an organization',
    payload: { role: Type.String() },
    visibility: ORGANIZATION,
    text: { fr: '{actor} a invité un membre dans {organization}', en: '{actor} invited a member to {organization}' },
  }),
  'organization.invitation_revoked': event({
    description: 'An invitation was withdrawn',
    payload: {},
    visibility: ORGANIZATION,
    text: {
      fr: '{actor} a retiré une invitation à {organization}',
      en: '{actor} withdrew an invitation to {organization}',
    },
  }),
  'organization.member_joined': event({
    description: 'Someone accepted an invitation and joined an organization',
    payload: { handle: Type.String(), role: Type.String() },
    visibility: PUBLIC,
    text: { fr: '{actor} a rejoint {organization}', en: '{actor} joined {organization}' },
  }),
  'organization.member_role_changed': event({
    description: 'A member’s role changed',
    payload: { handle: Type.String(), from: Type.String(), to: Type.String() },
    visibility: ORGANIZATION,
    text: {
      fr: '{actor} a changé le rôle de @{handle} dans {organization} : {to}',
      en: '{actor} made @{handle} {to} of {organization}',
    },
  }),
  'organization.member_removed': event({
    description: 'A member was removed from an organization',
    payload: { handle: Type.String() },
    visibility: ORGANIZATION,
    text: { fr: '{actor} a retiré @{handle} de {organization}', en: '{actor} removed @{handle} from {organization}' },
  }),
  'organization.member_left': event({
    description: 'A member left an organization',
    payload: { handle: Type.String() },
    visibility: ORGANIZATION,
    text: { fr: '{actor} a quitté {organization}', en: '{actor} left {organization}' },
  }),
  'organization.ownership_transferred': event({
    description: 'An organization changed owner',
    payload: { to: Type.String({ description: 'handle of the new owner' }) },
    visibility: PUBLIC,
    text: {
      fr: '{actor} a transmis la propriété de {organization} à @{to}',
      en: '{actor} transferred the ownership of {organization} to @{to}',
    },
  }),

  // data: datasets, resources, rows, footprint
  'dataset.created': event({
    description: 'A draft dataset was created (organization members only)',
    payload: { slug: Type.String(), title: Type.String() },
    visibility: ORGANIZATION,
    webhook: {},
    text: { fr: '{actor} a créé le brouillon « {title} »', en: '{actor} drafted the dataset “{title}”' },
  }),
  'dataset.published': event({
    description: 'A dataset was published (created as published, or a draft made public)',
    payload: { slug: Type.String(), title: Type.String(), fields: Type.Optional(Strings) },
    visibility: PUBLIC,
    webhook: {},
    text: { fr: '{actor} a publié le jeu de données « {title} »', en: '{actor} published the dataset “{title}”' },
  }),
  'dataset.updated': event({
    description: 'A dataset’s metadata changed (title, description, keywords, licence, …)',
    payload: { slug: Type.String(), title: Type.String(), fields: Strings },
    visibility: DATASET_SCOPED,
    webhook: {},
    text: { fr: '{actor} a modifié le jeu de données « {title} »', en: '{actor} updated the dataset “{title}”' },
  }),
  'dataset.featured': event({
    description: 'A platform administrator featured a dataset on the home page',
    payload: { slug: Type.String(), title: Type.String() },
    visibility: PUBLIC,
    text: { fr: '{actor} a mis en avant « {title} »', en: '{actor} featured “{title}”' },
  }),
  'dataset.unfeatured': event({
    description: 'A dataset is no longer featured on the home page',
    payload: { slug: Type.String(), title: Type.String() },
    visibility: PUBLIC,
    text: { fr: '{actor} ne met plus en avant « {title} »', en: '{actor} stopped featuring “{title}”' },
  }),
  'dataset.archived': event({
    description: 'A dataset was archived',
    payload: { slug: Type.String(), title: Type.String(), fields: Strings },
    visibility: PUBLIC,
    webhook: {},
    text: { fr: '{actor} a archivé le jeu de données « {title} »', en: '{actor} archived the dataset “{title}”' },
  }),
  'dataset.viewed': event({
    description: 'A published dataset’s page or API resource was read (the footprint counts it)',
    payload: {},
    visibility: PRIVATE,
    text: { fr: 'Un jeu de données a été consulté', en: 'A dataset was viewed' },
  }),
  'resource.created': event({
    description: 'A resource (file or link) was added to a dataset, by its publisher or by the community',
    payload: {
      dataset: Type.String({ description: 'dataset slug' }),
      title: Type.String(),
      format: Nullable(Type.String()),
      url: Type.Optional(Type.String()),
    },
    visibility: DATASET_SCOPED,
    webhook: {},
    text: { fr: '{actor} a ajouté la ressource « {title} » à {dataset}', en: '{actor} added “{title}” to {dataset}' },
  }),
  'community_resource.created': event({
    description: 'A community member attached a file or a link to a published dataset',
    payload: {
      dataset: Type.String({ description: 'dataset slug' }),
      resource: Id,
      title: Type.String(),
      format: Nullable(Type.String()),
      url: Type.Optional(Type.String()),
    },
    visibility: PUBLIC,
    webhook: { as: 'resource.created' },
    text: {
      fr: '{actor} a proposé la ressource communautaire « {title} » pour {dataset}',
      en: '{actor} shared the community resource “{title}” on {dataset}',
    },
  }),
  'community_resource.deleted': event({
    description: 'A community resource was withdrawn by its owner (public) or removed by the dataset’s editors',
    payload: {
      dataset: Type.String({ description: 'dataset slug' }),
      resource: Id,
      title: Type.String(),
      moderated: Type.Boolean(),
    },
    visibility: ['public', 'organization', 'private'],
    text: {
      fr: '{actor} a retiré la ressource communautaire « {title} » de {dataset}',
      en: '{actor} removed the community resource “{title}” from {dataset}',
    },
  }),
  'resource.updated': event({
    description:
      'A resource’s settings changed (the rejected share above which a new version does not go live, the row title column)',
    payload: {
      dataset: Type.String({ description: 'dataset slug' }),
      resource: Id,
      maxRejectedShare: Nullable(Type.Number()),
      titleColumn: Type.Optional(Nullable(Type.String())),
    },
    visibility: DATASET_SCOPED,
    text: {
      fr: '{actor} a modifié les réglages d’une ressource de {dataset}',
      en: '{actor} changed a resource’s settings on {dataset}',
    },
  }),
  'resource.imported': event({
    description: 'A new version of a tabular resource is live (its import succeeded)',
    payload: {
      dataset: Type.String({ description: 'dataset slug' }),
      resource: Id,
      version: Type.Integer(),
      rows: Type.Integer(),
      rejected: Type.Integer(),
    },
    visibility: DATASET_SCOPED,
    webhook: { as: 'resource.updated' },
    text: {
      fr: 'La version {version} d’une ressource de {dataset} est en ligne ({rows} lignes)',
      en: 'Version {version} of a resource of {dataset} is live ({rows} rows)',
    },
  }),
  'resource.import_failed': event({
    description: 'An import failed; the previous version stays live (organization members only)',
    payload: { dataset: Type.String({ description: 'dataset slug' }), resource: Id, error: Type.String() },
    visibility: ORGANIZATION,
    webhook: {},
    text: {
      fr: 'L’import d’une ressource de {dataset} a échoué',
      en: 'The import of a resource of {dataset} failed',
    },
  }),
  'resource.downloaded': event({
    description: 'A resource was downloaded (the footprint counts it)',
    payload: { dataset: Id, format: Type.String() },
    visibility: PRIVATE,
    text: { fr: 'Une ressource a été téléchargée', en: 'A resource was downloaded' },
  }),
  'rows.changed': event({
    description: 'Rows of a table changed: an accepted contribution, a direct edit or a revert',
    payload: {
      dataset: Type.String({ description: 'dataset slug' }),
      datasetId: Id,
      resourceId: Id,
      rowIds: Type.Array(Type.Integer(), { description: 'the first 1,000 at most' }),
      contributionId: Nullable(Id),
    },
    visibility: DATASET_SCOPED,
    webhook: {},
    text: { fr: '{actor} a modifié des lignes de {dataset}', en: '{actor} changed rows of {dataset}' },
  }),

  // community: contributions, history, discussions, moderation
  'contribution.submitted': event({
    description: 'Someone proposed changes to a table',
    payload: { ...contributionBase, changes: Type.Integer() },
    visibility: DATASET_SCOPED,
    webhook: {},
    text: {
      fr: '{actor} a proposé {changes} modification(s) à {dataset}',
      en: '{actor} proposed {changes} change(s) to {dataset}',
    },
  }),
  'contribution.updated': event({
    description: 'The author revised a pending contribution',
    payload: { ...contributionBase, changes: Type.Integer() },
    visibility: DATASET_SCOPED,
    text: { fr: '{actor} a revu sa contribution à {dataset}', en: '{actor} revised a contribution to {dataset}' },
  }),
  'contribution.accepted': event({
    description: 'A contribution was accepted (wholly or partly) and applied',
    payload: {
      ...contributionBase,
      reviewerId: Id,
      rowsApplied: Type.Integer(),
      partial: Type.Boolean(),
      submittedAt: Type.String({ description: 'ISO 8601' }),
      direct: Type.Optional(Type.Literal(true, { description: 'a trusted author’s direct edit' })),
    },
    visibility: DATASET_SCOPED,
    webhook: {},
    text: {
      fr: '{actor} a accepté une contribution à {dataset} ({rowsApplied} ligne(s))',
      en: '{actor} accepted a contribution to {dataset} ({rowsApplied} row(s))',
    },
  }),
  'contribution.awaiting_reviewer': event({
    description:
      'A proposal has no reviewer other than its author: the organization’s owners (or the administrators) are told',
    payload: { ...contributionBase, recipientIds: Strings },
    visibility: PRIVATE,
    text: {
      fr: 'Une proposition à {dataset} attend un relecteur',
      en: 'A proposal to {dataset} is waiting for a reviewer',
    },
  }),
  'contribution.rejected': event({
    description: 'A contribution was rejected (the reason is only shown to its author and reviewers)',
    payload: {
      ...contributionBase,
      reviewerId: Id,
      reason: Type.Null({ description: 'always null: read the reason through GET /contributions/{id}' }),
      spam: Type.Boolean(),
      submittedAt: Type.String({ description: 'ISO 8601' }),
    },
    visibility: DATASET_SCOPED,
    webhook: {},
    text: { fr: '{actor} a refusé une contribution à {dataset}', en: '{actor} declined a contribution to {dataset}' },
  }),
  'contribution.changes_requested': event({
    description: 'A reviewer asked the author to change a contribution',
    payload: {
      contributionId: Id,
      dataset: Type.String({ description: 'dataset slug' }),
      datasetId: Id,
      authorId: Id,
      reviewerId: Id,
      comment: Type.Null({ description: 'always null: read the comment through GET /contributions/{id}' }),
    },
    visibility: DATASET_SCOPED,
    webhook: {},
    text: {
      fr: '{actor} a demandé des changements à une contribution à {dataset}',
      en: '{actor} asked for changes to a contribution to {dataset}',
    },
  }),
  'contribution.withdrawn': event({
    description: 'The author withdrew a contribution',
    payload: contributionBase,
    visibility: DATASET_SCOPED,
    webhook: {},
    text: { fr: '{actor} a retiré sa contribution à {dataset}', en: '{actor} withdrew a contribution to {dataset}' },
  }),
  'review.suspicious': event({
    description: 'A reviewer accepted many contributions of one author in 24 hours (flagged for the organization)',
    payload: {
      contributionId: Id,
      dataset: Type.String({ description: 'dataset slug' }),
      datasetId: Id,
      reviewerId: Id,
      authorId: Id,
      reason: Type.String(),
    },
    visibility: ORGANIZATION,
    text: {
      fr: 'Une revue sur {dataset} a été signalée comme suspecte',
      en: 'A review on {dataset} was flagged as suspicious',
    },
  }),
  'row.reverted': event({
    description: 'A row was restored to its state before a revision',
    payload: {
      dataset: Type.String({ description: 'dataset slug' }),
      resourceId: Id,
      rowId: Type.Integer(),
      revisionId: Id,
      newRevisionId: Id,
      contributionId: Nullable(Id),
    },
    visibility: DATASET_SCOPED,
    text: { fr: '{actor} a annulé une modification de {dataset}', en: '{actor} reverted a change to {dataset}' },
  }),
  'discussion.created': event({
    description: 'A discussion thread was opened on a dataset, resource or contribution',
    payload: {
      threadId: Id,
      messageId: Id,
      subject: Type.Object({ kind: Type.String(), id: Id }, { additionalProperties: false }),
      dataset: Type.String({ description: 'dataset slug' }),
      datasetId: Id,
    },
    visibility: DATASET_SCOPED,
    webhook: {},
    text: { fr: '{actor} a ouvert une discussion sur {dataset}', en: '{actor} opened a discussion on {dataset}' },
  }),
  'discussion.message_posted': event({
    description: 'A message was posted in a discussion thread',
    payload: { threadId: Id, messageId: Id, dataset: Type.String({ description: 'dataset slug' }), datasetId: Id },
    visibility: DATASET_SCOPED,
    webhook: {},
    text: {
      fr: '{actor} a répondu dans une discussion sur {dataset}',
      en: '{actor} replied in a discussion on {dataset}',
    },
  }),
  'discussion.replied': event({
    description: 'A thread someone follows got a reply (notifies its subscribers)',
    payload: { threadId: Id, subscriberIds: Strings, authorId: Id },
    visibility: PRIVATE,
    text: { fr: '{actor} a répondu dans une discussion suivie', en: '{actor} replied in a followed discussion' },
  }),
  'discussion.closed': event({
    description: 'A discussion thread was resolved',
    payload: { threadId: Id, dataset: Type.String({ description: 'dataset slug' }), datasetId: Id, authorId: Id },
    visibility: DATASET_SCOPED,
    webhook: {},
    text: { fr: '{actor} a clos une discussion sur {dataset}', en: '{actor} resolved a discussion on {dataset}' },
  }),
  'discussion.reopened': event({
    description: 'A resolved discussion thread was reopened',
    payload: { threadId: Id, dataset: Type.String({ description: 'dataset slug' }), datasetId: Id },
    visibility: DATASET_SCOPED,
    webhook: {},
    text: { fr: '{actor} a rouvert une discussion sur {dataset}', en: '{actor} reopened a discussion on {dataset}' },
  }),
  'discussion.answer_marked_helpful': event({
    description: 'An answer in a thread was marked helpful',
    payload: { answerId: Id, authorId: Id, markedBy: Id, threadId: Id, datasetId: Id },
    visibility: DATASET_SCOPED,
    text: { fr: '{actor} a salué une réponse utile', en: '{actor} marked an answer as helpful' },
  }),
  'user.mentioned': event({
    description: 'Someone was @mentioned in a discussion',
    payload: { userId: Id, threadId: Id, authorId: Id },
    visibility: PRIVATE,
    text: { fr: '{actor} a mentionné quelqu’un', en: '{actor} mentioned someone' },
  }),
  'content.flagged': event({
    description: 'Someone flagged a thread, a message or a contribution for moderation',
    payload: { flagId: Id, kind: Type.String(), id: Id, authorId: Nullable(Id), reason: Type.String() },
    visibility: PRIVATE,
    text: { fr: '{actor} a signalé un contenu', en: '{actor} flagged content' },
  }),
  'user.flagged': event({
    description: 'Someone flagged an account for moderation',
    payload: { userId: Id, flagId: Id, reason: Type.String() },
    visibility: PRIVATE,
    text: { fr: '{actor} a signalé un compte', en: '{actor} flagged an account' },
  }),
  'content.hidden': event({
    description: 'A moderator hid content, with a public reason',
    payload: { authorId: Nullable(Id), reason: Type.String(), kind: Type.String(), id: Id },
    visibility: PRIVATE,
    text: { fr: '{actor} a masqué un contenu', en: '{actor} hid content' },
  }),
  'content.restored': event({
    description: 'A moderator restored hidden content',
    payload: { authorId: Nullable(Id), kind: Type.String(), id: Id },
    visibility: PRIVATE,
    text: { fr: '{actor} a rétabli un contenu', en: '{actor} restored content' },
  }),
  'user.suspended': event({
    description: 'A moderator suspended an account',
    payload: { userId: Id, reason: Type.String(), until: Nullable(Type.String()) },
    visibility: PRIVATE,
    text: { fr: '{actor} a suspendu un compte', en: '{actor} suspended an account' },
  }),
  'user.unsuspended': event({
    description: 'A moderator lifted a suspension',
    payload: { userId: Id },
    visibility: PRIVATE,
    text: { fr: '{actor} a levé une suspension', en: '{actor} lifted a suspension' },
  }),

  // recognition
  'badge.awarded': event({
    description: 'Someone earned a badge',
    payload: { badge: Type.String(), name: Type.String(), sourceEventId: Id },
    visibility: PUBLIC,
    text: { fr: '{actor} a obtenu le badge « {name} »', en: '{actor} earned the badge “{name}”' },
  }),
  'trust_level.changed': event({
    description: 'An account’s trust level changed (by thresholds, a spam rejection or an administrator)',
    payload: {
      from: Type.Integer(),
      to: Type.Integer(),
      reason: Type.String(),
      sourceEventId: Type.Optional(Id),
      grantedBy: Type.Optional(Id),
    },
    visibility: PRIVATE,
    text: { fr: 'Le niveau de confiance de {actor} est passé à {to}', en: '{actor}’s trust level is now {to}' },
  }),

  // apps: apps and keys, accreditations, OAuth, reuses
  'app.registered': event({
    description: 'An app was registered',
    payload: { name: Type.String() },
    visibility: ['organization', 'private'],
    text: { fr: '{actor} a enregistré l’application {name}', en: '{actor} registered the app {name}' },
  }),
  'app.updated': event({
    description: 'An app’s settings changed',
    payload: { fields: Strings },
    visibility: ['organization', 'private'],
    text: { fr: '{actor} a modifié une application', en: '{actor} updated an app' },
  }),
  'app.deleted': event({
    description: 'An app was deleted',
    payload: { clientId: Type.String() },
    visibility: ['organization', 'private'],
    text: { fr: '{actor} a supprimé une application', en: '{actor} deleted an app' },
  }),
  'app.client_secret_reset': event({
    description: 'An app’s OAuth client secret was replaced',
    payload: {},
    visibility: ['organization', 'private'],
    text: { fr: '{actor} a renouvelé le secret d’une application', en: '{actor} reset an app’s client secret' },
  }),
  'app.key_created': event({
    description: 'An API key was created for an app',
    payload: { keyId: Id, scopes: Strings },
    visibility: ['organization', 'private'],
    text: { fr: '{actor} a créé une clé d’API', en: '{actor} created an API key' },
  }),
  'app.key_rotated': event({
    description: 'An API key was rotated (the old one works until the overlap ends)',
    payload: { keyId: Id, replacedBy: Id, overlapEndsAt: Type.String({ description: 'ISO 8601' }) },
    visibility: ['organization', 'private'],
    text: { fr: '{actor} a renouvelé une clé d’API', en: '{actor} rotated an API key' },
  }),
  'app.key_revoked': event({
    description: 'An API key was revoked',
    payload: { keyId: Id },
    visibility: ['organization', 'private'],
    text: { fr: '{actor} a révoqué une clé d’API', en: '{actor} revoked an API key' },
  }),
  'accreditation.submitted': event({
    description: 'An app asked an organization for sensitive scopes',
    payload: { appId: Id, scopes: Strings },
    visibility: ORGANIZATION,
    text: {
      fr: '{actor} a demandé une habilitation à {organization}',
      en: '{actor} asked {organization} for an accreditation',
    },
  }),
  'accreditation.resubmitted': event({
    description: 'An accreditation request was sent again after changes',
    payload: { appId: Id },
    visibility: ORGANIZATION,
    text: {
      fr: '{actor} a renvoyé une demande d’habilitation à {organization}',
      en: '{actor} resubmitted an accreditation request to {organization}',
    },
  }),
  'accreditation.approved': event({
    description: 'An organization approved an accreditation',
    payload: { appId: Id, scopes: Strings },
    visibility: ORGANIZATION,
    text: { fr: '{actor} a accordé une habilitation', en: '{actor} approved an accreditation' },
  }),
  'accreditation.refused': event({
    description: 'An organization refused an accreditation',
    payload: { appId: Id, scopes: Strings },
    visibility: ORGANIZATION,
    text: { fr: '{actor} a refusé une habilitation', en: '{actor} refused an accreditation' },
  }),
  'accreditation.changes_requested': event({
    description: 'An organization sent an accreditation request back for changes',
    payload: { appId: Id, scopes: Strings },
    visibility: ORGANIZATION,
    text: {
      fr: '{actor} a demandé des changements à une demande d’habilitation',
      en: '{actor} asked for changes to an accreditation request',
    },
  }),
  'accreditation.revoked': event({
    description: 'An organization revoked an approved accreditation',
    payload: { appId: Id, scopes: Strings },
    visibility: ORGANIZATION,
    text: { fr: '{actor} a révoqué une habilitation', en: '{actor} revoked an accreditation' },
  }),
  'oauth.authorized': event({
    description: 'A user granted an app access to their account',
    payload: { appId: Id, grantId: Id, scopes: Strings },
    visibility: PRIVATE,
    text: { fr: '{actor} a autorisé une application', en: '{actor} authorized an app' },
  }),
  'oauth.revoked': event({
    description: 'A user withdrew an app’s access to their account',
    payload: { appId: Id },
    visibility: PRIVATE,
    text: { fr: '{actor} a retiré l’accès d’une application', en: '{actor} revoked an app’s access' },
  }),
  'reuse.published': event({
    description: 'A reuse was added to the showcase',
    payload: { reuse: Type.String(), reuseId: Id, title: Type.String(), type: Type.String(), datasets: Strings },
    visibility: PUBLIC,
    text: { fr: '{actor} a présenté la réutilisation « {title} »', en: '{actor} showcased the reuse “{title}”' },
  }),
  'reuse.updated': event({
    description: 'A reuse changed',
    payload: { reuse: Type.String(), reuseId: Id, title: Type.String(), type: Type.String(), fields: Strings },
    visibility: PUBLIC,
    text: { fr: '{actor} a modifié la réutilisation « {title} »', en: '{actor} updated the reuse “{title}”' },
  }),
  'reuse.deleted': event({
    description: 'A reuse left the showcase',
    payload: { reuse: Type.String(), reuseId: Id, title: Type.String(), type: Type.String() },
    visibility: PUBLIC,
    text: { fr: '{actor} a retiré la réutilisation « {title} »', en: '{actor} removed the reuse “{title}”' },
  }),
  'reuse.featured': event({
    description: 'An organization featured a reuse of its data',
    payload: {
      reuse: Type.String(),
      reuseId: Id,
      title: Type.String(),
      type: Type.String(),
      organization: Type.String({ description: 'organization slug' }),
    },
    visibility: PUBLIC,
    text: { fr: '{actor} a mis en avant « {title} »', en: '{actor} featured “{title}”' },
  }),
  'reuse.viewed': event({
    description: 'A reuse’s page was read (the footprint counts it)',
    payload: {},
    visibility: PRIVATE,
    text: { fr: 'Une réutilisation a été consultée', en: 'A reuse was viewed' },
  }),

  // iteration: feature flags (every change carries the reason its author gave)
  'flag.created': event({
    description: 'A feature flag was created in every environment of an app',
    payload: { key: Type.String(), appId: Id, reason: Type.String() },
    visibility: ['organization', 'private'],
    text: { fr: '{actor} a créé le drapeau {key} ({reason})', en: '{actor} created the flag {key} ({reason})' },
  }),
  'flag.changed': event({
    description: 'A feature flag’s rules, rollout, variants or kill switch changed in one environment',
    payload: {
      key: Type.String(),
      appId: Id,
      environment: Type.String(),
      fields: Strings,
      version: Type.Integer(),
      reason: Type.String(),
      by: Type.String({ description: 'user, schedule or release_plan' }),
    },
    visibility: ['organization', 'private'],
    text: {
      fr: 'Le drapeau {key} a changé en {environment} ({reason})',
      en: 'The flag {key} changed in {environment} ({reason})',
    },
  }),
  'flag.deleted': event({
    description: 'A feature flag was deleted from every environment',
    payload: { key: Type.String(), appId: Id, reason: Type.String() },
    visibility: ['organization', 'private'],
    text: { fr: '{actor} a supprimé le drapeau {key} ({reason})', en: '{actor} deleted the flag {key} ({reason})' },
  }),
  'flag.segment_changed': event({
    description: 'A reusable targeting segment was created, changed or deleted',
    payload: {
      key: Type.String(),
      appId: Id,
      action: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('deleted')]),
      reason: Type.String(),
    },
    visibility: ['organization', 'private'],
    text: { fr: '{actor} a modifié le segment {key} ({reason})', en: '{actor} changed the segment {key} ({reason})' },
  }),
  'flag.change_scheduled': event({
    description: 'A change to a feature flag was scheduled (or a scheduled change cancelled)',
    payload: {
      key: Type.String(),
      appId: Id,
      environment: Type.String(),
      scheduleId: Id,
      runAt: Type.String({ description: 'ISO 8601' }),
      cancelled: Type.Boolean(),
      reason: Type.String(),
    },
    visibility: ['organization', 'private'],
    text: {
      fr: '{actor} a programmé un changement du drapeau {key} ({reason})',
      en: '{actor} scheduled a change of the flag {key} ({reason})',
    },
  }),
  'flag.release_plan_changed': event({
    description:
      'A release plan started, advanced a stage, paused (a guardrail degraded), resumed, completed or was cancelled',
    payload: {
      planId: Id,
      key: Type.String(),
      appId: Id,
      environment: Type.String(),
      status: Type.String(),
      stage: Type.Integer(),
      percent: Type.Number(),
      reason: Type.String(),
    },
    visibility: ['organization', 'private'],
    text: {
      fr: 'Plan de déploiement du drapeau {key} : {status}, {percent} % ({reason})',
      en: 'Release plan of the flag {key}: {status}, {percent} % ({reason})',
    },
  }),

  // ledger: the personal-data access log
  'personal_data.accessed': event({
    description:
      'Someone read a person’s personal data (the record itself is readable by that person only; the log holds its hash)',
    payload: { recordId: Id, recordHash: Type.String({ description: 'hex SHA-256 of the canonical record' }) },
    visibility: PRIVATE,
    ledger: 'hashed',
    text: { fr: 'Des données personnelles ont été consultées', en: 'Personal data was read' },
  }),
  'personal_data.access_hidden': event({
    description: 'A personal-data access record was hidden from its person until a date, for a legal reason',
    payload: { recordId: Id, hiddenUntil: Type.String(), reasonSha256: Type.String() },
    visibility: PRIVATE,
    ledger: 'hashed',
    text: { fr: 'Une consultation de données personnelles a été masquée', en: 'A personal-data access was hidden' },
  }),

  // services: delegated public services, their operators and cases
  'service.published': event({
    description: 'An organization published a service people can request (with its objectives)',
    payload: {
      code: Type.String(),
      title: Type.String(),
      acknowledgeHours: Type.Integer(),
      resolveHours: Type.Integer(),
    },
    visibility: PUBLIC,
    text: {
      fr: '{organization} a publié le service « {title} »',
      en: '{organization} published the service “{title}”',
    },
  }),
  'service.updated': event({
    description: 'A service’s description, form, steps, objectives or rules changed',
    payload: { code: Type.String(), title: Type.String(), fields: Strings },
    visibility: PUBLIC,
    text: { fr: '{organization} a modifié le service « {title} »', en: '{organization} updated the service “{title}”' },
  }),
  'service_operator.accredited': event({
    description: 'An organization accredited an operator to run one of its services (territory or share, dates)',
    payload: {
      service: Type.String({ description: 'service code' }),
      serviceId: Id,
      operatorId: Id,
      operator: Type.String({ description: 'the operator organization’s slug' }),
      territory: Strings,
      share: Nullable(Type.Integer()),
      startsOn: Type.String(),
      endsOn: Nullable(Type.String()),
    },
    visibility: PUBLIC,
    text: {
      fr: '{organization} a habilité {operator} à opérer le service {service}',
      en: '{organization} accredited {operator} to run the service {service}',
    },
  }),
  'service_operator.revoked': event({
    description: 'An organization revoked an operator’s accreditation for a service',
    payload: {
      service: Type.String({ description: 'service code' }),
      serviceId: Id,
      operatorId: Id,
      operator: Type.String(),
      reason: Type.String(),
    },
    visibility: PUBLIC,
    text: {
      fr: '{organization} a retiré à {operator} l’habilitation pour le service {service}',
      en: '{organization} revoked {operator}’s accreditation for the service {service}',
    },
  }),
  'service_case.updated': event({
    description:
      'A service request changed (filed, routed, acknowledged, information asked or given, status, resolved, reassigned, taken back, rated); its requester is told of the steps meant for them',
    payload: {
      caseId: Id,
      service: Type.String({ description: 'service code' }),
      action: Type.String(),
      status: Type.String(),
      operatorId: Nullable(Id),
      recipientIds: Strings,
    },
    visibility: PRIVATE,
    text: { fr: 'Une demande de service a changé', en: 'A service request changed' },
  }),
  'service_case.complaint': event({
    description: 'A requester turned to the organization about their case (a complaint or a question)',
    payload: { caseId: Id, service: Type.String(), recipientIds: Strings },
    visibility: PRIVATE,
    text: { fr: 'Un usager s’est adressé à l’organisation', en: 'A requester turned to the organization' },
  }),
  'service.objective_missed': event({
    description: 'An operator (or the organization itself) missed a service’s objectives in a month: the alert',
    payload: {
      service: Type.String(),
      serviceId: Id,
      operatorId: Nullable(Id),
      month: Type.String(),
      withinShare: Type.Number(),
      threshold: Type.Number(),
      recipientIds: Strings,
    },
    visibility: ORGANIZATION,
    text: {
      fr: 'Les objectifs du service {service} n’ont pas été tenus en {month}',
      en: 'The objectives of the service {service} were missed in {month}',
    },
  }),

  // federation: harvest sources and runs
  'harvest.source_added': event({
    description: 'An organization added a catalog to harvest (DCAT-AP, CKAN, udata or another Multitude)',
    payload: { sourceId: Id, name: Type.String(), kind: Type.String(), url: Type.String() },
    visibility: ORGANIZATION,
    text: {
      fr: '{actor} a ajouté la source de moissonnage « {name} »',
      en: '{actor} added the harvest source “{name}”',
    },
  }),
  'harvest.source_removed': event({
    description: 'An organization stopped harvesting a catalog (its datasets stay, no longer updated)',
    payload: { sourceId: Id, name: Type.String() },
    visibility: ORGANIZATION,
    text: {
      fr: '{actor} a retiré la source de moissonnage « {name} »',
      en: '{actor} removed the harvest source “{name}”',
    },
  }),
  'harvest.run_finished': event({
    description: 'A harvest run ended: its counts of created, updated, withdrawn datasets and errors',
    payload: {
      runId: Id,
      sourceId: Id,
      status: Type.String(),
      created: Type.Integer(),
      updated: Type.Integer(),
      withdrawn: Type.Integer(),
      errors: Type.Integer(),
    },
    visibility: ORGANIZATION,
    text: {
      fr: 'Moissonnage terminé ({status}) : {created} créés, {updated} mis à jour, {withdrawn} retirés',
      en: 'Harvest finished ({status}): {created} created, {updated} updated, {withdrawn} withdrawn',
    },
  }),
} satisfies Record<string, EventDefinition>;

type Catalog = typeof eventCatalog;
/** Every event type the platform records. */
export type EventType = keyof Catalog;
export type EventPayload<T extends EventType> = Static<Catalog[T]['payload']>;
export type EventVisibility<T extends EventType> = Catalog[T]['visibility'][number];

export const eventTypes = Object.keys(eventCatalog) as EventType[];

export const isEventType = (type: string): type is EventType => Object.hasOwn(eventCatalog, type);

/** The definition of a type, or undefined for a type the catalog does not know (an event recorded by an older version). */
export const eventDefinition = (type: string): EventDefinition | undefined =>
  isEventType(type) ? (eventCatalog[type] as EventDefinition) : undefined;
