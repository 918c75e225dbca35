import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { eventCatalog, eventTypes, type EventType } from './catalog.js';
import { checkEvent, InvalidEventError } from './recorder.js';
import { describeEvent, feedLocale, placeholders } from './sentences.js';
import type { NewEvent } from './schema.js';
import { readFileSync } from 'node:fs';
import { eventCatalog as webhookCatalog, publicType } from '../apps/webhooks/catalog.js';
import { catalogMarkdown, catalogTableIn } from './catalog-doc.js';

describe('the event catalog', () => {
  it('gives every event a sentence in French and English whose placeholders name the actor, organization or payload fields', () => {
    for (const type of eventTypes) {
      const definition = eventCatalog[type];
      const fields = Object.keys(definition.payload.properties);
      for (const locale of ['fr', 'en'] as const) {
        const template = definition.text[locale];
        expect(template.trim(), `${type} ${locale}`).not.toBe('');
        for (const key of placeholders(template))
          expect(['actor', 'organization', ...fields], `${type} ${locale}: {${key}}`).toContain(key);
      }
      expect(definition.visibility.length, type).toBeGreaterThan(0);
    }
  });

  it('delivers to webhooks only events that can be public or organization-wide', () => {
    for (const type of eventTypes) {
      const definition = eventCatalog[type];
      if ('webhook' in definition)
        expect(
          definition.visibility.some((v) => v !== 'private'),
          type,
        ).toBe(true);
    }
  });

  it('derives the webhook event list: public types, their sources, in catalog order', () => {
    expect(webhookCatalog.map((e) => [e.type, e.sources])).toEqual([
      ['dataset.created', ['dataset.created']],
      ['dataset.published', ['dataset.published']],
      ['dataset.updated', ['dataset.updated']],
      ['dataset.archived', ['dataset.archived']],
      ['resource.created', ['resource.created', 'community_resource.created']],
      ['resource.updated', ['resource.imported']],
      ['resource.import_failed', ['resource.import_failed']],
      ['rows.changed', ['rows.changed']],
      ['contribution.submitted', ['contribution.submitted']],
      ['contribution.accepted', ['contribution.accepted']],
      ['contribution.rejected', ['contribution.rejected']],
      ['contribution.changes_requested', ['contribution.changes_requested']],
      ['contribution.withdrawn', ['contribution.withdrawn']],
      ['discussion.created', ['discussion.created']],
      ['discussion.message_posted', ['discussion.message_posted']],
      ['discussion.closed', ['discussion.closed']],
      ['discussion.reopened', ['discussion.reopened']],
      ['webhook.test', []],
    ]);
    expect(publicType('resource.imported')).toBe('resource.updated');
    expect(publicType('user.signed_in')).toBeUndefined();
  });

  it('checks a recorded event at run time: its type, visibility and payload', () => {
    const ok: NewEvent = {
      type: 'organization.created',
      actorId: null,
      visibility: 'public',
      payload: { slug: 'a', name: 'A' },
    };
    expect(() => checkEvent(ok)).not.toThrow();
    expect(() => checkEvent({ ...ok, type: 'organization.renamed' })).toThrow(InvalidEventError);
    expect(() => checkEvent({ ...ok, visibility: 'private' })).toThrow(/may not be recorded as private/);
    expect(() => checkEvent({ ...ok, payload: { slug: 'a' } })).toThrow(/payload/);
    expect(() => checkEvent({ ...ok, payload: { slug: 'a', name: 'A', extra: 1 } })).toThrow(/payload/);
    expect(() => checkEvent({ type: 'token.revoked', actorId: null, visibility: 'private' } as NewEvent)).not.toThrow();
  });

  it('refuses a wrong payload or visibility at compile time', () => {
    const record = (e: NewEvent) => e;
    // @ts-expect-error a field the payload does not declare
    record({ type: 'organization.created', actorId: null, visibility: 'public', payload: { slug: 'a', nom: 'A' } });
    // @ts-expect-error a missing field
    record({ type: 'organization.created', actorId: null, visibility: 'public', payload: { slug: 'a' } });
    // @ts-expect-error a visibility the type does not allow
    record({ type: 'user.signed_in', actorId: null, visibility: 'public', payload: { method: 'password' } });
    // @ts-expect-error a type the catalog does not declare
    record({ type: 'user.teleported', actorId: null, visibility: 'private' });
    expect(true).toBe(true);
  });

  it('has payload schemas whose defaults validate (the synthetic events of consumer tests rely on it)', () => {
    for (const type of eventTypes as EventType[]) {
      const schema = eventCatalog[type].payload;
      expect(Value.Check(schema, Value.Create(schema)), type).toBe(true);
    }
  });
});

describe('the catalog in docs/architecture.md', () => {
  it('is the catalog as it is (npm run docs:events rewrites it)', () => {
    const page = readFileSync(new URL('../../../docs/architecture.md', import.meta.url), 'utf8');
    expect(catalogTableIn(page)).toBe(catalogMarkdown());
  });
});

describe('activity sentences', () => {
  it('fills a template with names and payload fields, in French or English', () => {
    const event = { type: 'dataset.published', payload: { slug: 'trees', title: 'Arbres' } };
    expect(describeEvent(event, { actor: 'Alice' }, 'en')).toBe('Alice published the dataset “Arbres”');
    expect(describeEvent(event, { actor: 'Alice' }, 'fr')).toBe('Alice a publié le jeu de données « Arbres »');
    expect(describeEvent(event, {}, 'fr')).toBe('Quelqu’un a publié le jeu de données « Arbres »');
    expect(describeEvent({ type: 'gone.away', payload: {} }, { actor: 'Bob' }, 'en')).toBe('Bob · gone.away');
  });

  it('picks the language from ?lang=, then Accept-Language, else English', () => {
    expect(feedLocale('fr', 'en')).toBe('fr');
    expect(feedLocale(undefined, 'fr-FR,fr;q=0.9,en;q=0.8')).toBe('fr');
    expect(feedLocale(undefined, 'de-DE, en;q=0.5, fr;q=0.4')).toBe('en');
    expect(feedLocale(undefined, 'en;q=0.2, fr;q=0.7')).toBe('fr');
    expect(feedLocale(undefined, 'fr;q=0')).toBe('en');
    expect(feedLocale(undefined, undefined)).toBe('en');
  });
});
