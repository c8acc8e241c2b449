import { builder } from '../../graphql/builder.js'
import { unauthenticated } from '../../graphql/errors.js'
import { encodeGlobalId } from '../../graphql/global-id.js'
import { grantsFromMatrix } from '../../access/permissions.js'
import { PermissionRef } from '../roles/permissions.graphql.js'
import type { Principal } from '../../access/principal.js'
import { PrincipalSummaryRef } from '../../graphql/principal-summary.js'

/**
 * `viewer`: who the caller is, in which business, with which role and team, through which
 * credential, and the effective permission matrix — so a partner can see what its key may do.
 * Everything but the team name comes from the principal the authenticator already resolved.
 */

export const BusinessRef = builder.objectRef<Pick<Principal, 'businessId' | 'businessName' | 'businessSlug'>>('Business').implement({
  description: 'The business (tenant) the caller belongs to; all its data is this business\'s.',
  fields: (t) => ({
    id: t.id({ resolve: (business) => encodeGlobalId('Business', business.businessId) }),
    name: t.string({ resolve: (business) => business.businessName }),
    slug: t.string({
      description: 'Lowercase and unique; the first half of a Basic credential\'s user name ("<slug>+<publicKey>").',
      resolve: (business) => business.businessSlug,
    }),
  }),
})

const ViewerRoleRef = builder.objectRef<Principal>('ViewerRole').implement({
  description: "The caller's security role.",
  fields: (t) => ({
    id: t.id({ description: 'The global id of the SecurityRole.', resolve: (p) => encodeGlobalId('SecurityRole', p.roleId) }),
    name: t.string({ resolve: (p) => p.roleName }),
    builtin: t.boolean({ description: 'True for the built-in Admin role, which grants ALL everywhere.', resolve: (p) => p.isAdminRole }),
  }),
})

const ViewerTeamRef = builder.objectRef<{ id: string; name: string }>('ViewerTeam').implement({
  description: "The caller's team: what MY permissions reach.",
  fields: (t) => ({
    id: t.id({ description: 'The global id of the Team.', resolve: (team) => encodeGlobalId('Team', team.id) }),
    name: t.exposeString('name'),
  }),
})

const CredentialKindEnum = builder.enumType('CredentialKind', {
  values: {
    SESSION: { value: 'session', description: 'A session token from signIn.' },
    API_KEY: { value: 'api_key', description: 'An API key.' },
  } as const,
})

const ViewerCredentialRef = builder.objectRef<Principal['credential']>('ViewerCredential').implement({
  description: 'The credential this request was made with (never its secret).',
  fields: (t) => ({
    kind: t.field({ type: CredentialKindEnum, resolve: (credential) => credential.kind }),
    publicKey: t.string({
      nullable: true,
      description: 'The API key\'s public key; null for a session.',
      resolve: (credential) => (credential.kind === 'api_key' ? credential.publicKey : null),
    }),
  }),
})

const ViewerRef = builder.objectRef<Principal>('Viewer').implement({
  description: 'The caller, its business, role and what the role lets it do.',
  fields: (t) => ({
    caller: t.field({
      type: PrincipalSummaryRef,
      resolve: (p) => ({ id: p.id, kind: p.kind, name: p.name }),
    }),
    business: t.field({ type: BusinessRef, resolve: (p) => p }),
    role: t.field({ type: ViewerRoleRef, resolve: (p) => p }),
    team: t.field({
      type: ViewerTeamRef,
      nullable: true,
      resolve: async (p, _args, context) => {
        if (p.teamId === null) return null
        const team = await context.db
          .selectFrom('teams')
          .select(['id', 'name'])
          .where('business_id', '=', p.businessId)
          .where('id', '=', p.teamId)
          .executeTakeFirst()
        return team ?? null
      },
    }),
    credential: t.field({ type: ViewerCredentialRef, resolve: (p) => p.credential }),
    permissions: t.field({
      type: [PermissionRef],
      description: 'The effective permission matrix: every module × operation with its level, in catalogue order.',
      resolve: (p) => grantsFromMatrix(p.permissions),
    }),
  }),
})

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    description: 'The caller: who it is, its business, role and team, and what its role lets it do.',
    authScopes: { authenticated: true },
    resolve: (_root, _args, context) => context.principal ?? Promise.reject(unauthenticated()),
  }),
)
