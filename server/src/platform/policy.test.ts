import { describe, expect, it } from 'vitest';
import type { Actor } from '../kernel/actor.js';
import { can, canAssignRole, organizationPermissions, roles, type Action, type Role } from './policy.js';

const user = (isAdmin = false): Actor => ({
  kind: 'user',
  userId: 'usr_1',
  handle: 'someone',
  isAdmin,
  via: 'session',
  scopes: 'all',
});
const org = (viewerRole: Role | null) => ({ kind: 'organization' as const, id: 'org_1', viewerRole });

/** The expected decision for every role and every organization action: Y allowed, '.' denied. */
const expected: Record<keyof typeof organizationPermissions, string> = {
  //                                   owner admin editor reviewer member none
  'organization.update': 'Y Y . . . .',
  'organization.delete': 'Y . . . . .',
  'organization.invite': 'Y Y . . . .',
  'organization.read_invitations': 'Y Y . . . .',
  'organization.read_member_contact': 'Y Y . . . .',
  'organization.change_role': 'Y Y . . . .',
  'organization.remove_member': 'Y Y . . . .',
  'organization.transfer_ownership': 'Y . . . . .',
  'organization.leave': '. Y Y Y Y .',
  'dataset.create': 'Y Y Y . . .',
  'dataset.update': 'Y Y Y . . .',
  'contribution.review': 'Y Y Y Y . .',
  'service.manage': 'Y Y Y . . .',
  'service.operate': 'Y Y Y Y Y .',
};

const columns: Array<Role | null> = [...roles, null];

describe('policy: can(actor, action, resource)', () => {
  it('has an expectation for every organization action', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(organizationPermissions).sort());
  });

  for (const [action, row] of Object.entries(expected)) {
    const cells = row.split(/\s+/);
    columns.forEach((role, i) => {
      const allowed = cells[i] === 'Y';
      it(`${allowed ? 'allows' : 'denies'} ${action} to ${role ?? 'a non-member'}`, () => {
        expect(can(user(), action as Action, org(role))).toBe(allowed);
      });
    });
    it(`denies ${action} to anonymous visitors and allows it to platform administrators`, () => {
      expect(can({ kind: 'anonymous' }, action as Action, org('owner'))).toBe(false);
      expect(can(user(true), action as Action, org(null))).toBe(true);
    });
  }

  it('lets any signed-in user create an organization, not anonymous visitors', () => {
    expect(can(user(), 'organization.create', { kind: 'platform' })).toBe(true);
    expect(can({ kind: 'anonymous' }, 'organization.create', { kind: 'platform' })).toBe(false);
  });

  it('reserves platform administration to administrators', () => {
    expect(can(user(), 'platform.administer', { kind: 'platform' })).toBe(false);
    expect(can(user(true), 'platform.administer', { kind: 'platform' })).toBe(true);
    expect(can(user(), 'dataset.feature', { kind: 'platform' })).toBe(false);
    expect(can(user(true), 'dataset.feature', { kind: 'platform' })).toBe(true);
  });

  it.each([
    ['owner', 'admin', true],
    ['owner', 'owner', false],
    ['admin', 'editor', true],
    ['admin', 'admin', false],
    ['admin', 'owner', false],
    ['editor', 'member', false],
    ['reviewer', 'member', false],
    ['member', 'member', false],
  ] as Array<[Role, Role, boolean]>)('a %s assigning the %s role: allowed = %s', (actorRole, target, allowed) => {
    expect(canAssignRole(actorRole, false, target)).toBe(allowed);
  });
});
