import type { UserActor } from '../../kernel/actor.js';
import { forbidden, invalid, notFound } from '../../kernel/errors.js';
import type { Scope } from './store.js';

/** The read models a dashboard's scope is checked against (the platform's, the data's and the apps'). */
export interface ScopeDeps {
  organizationBySlug(slug: string): Promise<{ id: string } | undefined>;
  /** Any role in the organization lets a member read its statistics. */
  isMember(actor: UserActor, organizationId: string): Promise<boolean>;
  datasetBySlug(slug: string): Promise<{ id: string; organizationId: string | null } | undefined>;
  manageableApp(actor: UserActor, appId: string): Promise<{ id: string }>;
}

/** Which events a dashboard reads, and whether the caller may read them. */
export function createScopeResolver(deps: ScopeDeps) {
  return {
    async resolve(actor: UserActor, q: { app?: string; organization?: string; dataset?: string }): Promise<Scope> {
      const named = [q.app, q.organization, q.dataset].filter((x) => x !== undefined);
      if (named.length !== 1) throw invalid('app', 'Name exactly one of app, organization or dataset');
      if (q.app) return { appId: (await deps.manageableApp(actor, q.app)).id };
      if (q.organization) {
        const org = await deps.organizationBySlug(q.organization);
        if (!org) throw notFound('Organization');
        if (!actor.isAdmin && !(await deps.isMember(actor, org.id)))
          throw forbidden('Members of the organization only');
        return { organizationId: org.id };
      }
      const ds = await deps.datasetBySlug(q.dataset!);
      if (!ds) throw notFound('Dataset');
      // A personal dataset's statistics: platform administrators only (the data read model does not name owners).
      if (!actor.isAdmin && !(ds.organizationId && (await deps.isMember(actor, ds.organizationId))))
        throw forbidden('Members of the dataset’s organization only');
      return { datasetId: ds.id };
    },
    async publicOrganization(slug: string): Promise<Scope> {
      const org = await deps.organizationBySlug(slug);
      if (!org) throw notFound('Organization');
      return { organizationId: org.id };
    },
  };
}
export type ScopeResolver = ReturnType<typeof createScopeResolver>;
