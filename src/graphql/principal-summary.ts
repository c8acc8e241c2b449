import type { PrincipalKind } from '../db/types.js'
import { builder } from './builder.js'
import { encodeGlobalId } from './global-id.js'

/**
 * A principal named in passing — a key's owner or creator, the caller in `viewer` — without
 * pulling in the full User / ApiMember types. Its `id` is the global id of that User or ApiMember.
 */
export interface PrincipalSummary {
  id: string
  kind: PrincipalKind
  name: string
}

/** The global id type of a principal: `User` or `ApiMember`. */
export const principalTypeName = (kind: PrincipalKind) => (kind === 'USER' ? 'User' : 'ApiMember')

/** The principal kind a global id type names; null for any other type. */
export const principalKindOf = (typename: string): PrincipalKind | null =>
  typename === 'User' ? 'USER' : typename === 'ApiMember' ? 'API_MEMBER' : null

export const PrincipalKindEnum = builder.enumType('PrincipalKind', {
  description: 'Who a principal is: a person who signs in, or a service account.',
  values: {
    USER: { value: 'USER', description: 'A user: a person of the business who signs in.' },
    API_MEMBER: { value: 'API_MEMBER', description: 'An API member: a service account used by a partner system.' },
  } as const,
})

export const PrincipalSummaryRef = builder.objectRef<PrincipalSummary>('PrincipalSummary').implement({
  description: 'A user or API member, named in passing.',
  fields: (t) => ({
    id: t.id({
      description: 'The global id of the User or ApiMember.',
      resolve: (principal) => encodeGlobalId(principalTypeName(principal.kind), principal.id),
    }),
    kind: t.field({ type: PrincipalKindEnum, resolve: (principal) => principal.kind }),
    name: t.exposeString('name'),
  }),
})
