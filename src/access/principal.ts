import type { PrincipalKind } from '../db/types.js'
import type { PermissionMatrix } from './permissions.js'

/** How the caller proved who it is. */
export type Credential =
  | { kind: 'session'; sessionId: string }
  /** `allowedNetworks`: addresses or CIDR blocks the key may be used from; empty: anywhere. */
  | { kind: 'api_key'; keyId: string; publicKey: string; allowedNetworks: readonly string[] }

/** A cost bucket's size and refill: points it holds when full, points restored per second. */
export interface CostBudget {
  limit: number
  restoreRate: number
}

/**
 * The authenticated caller of a request: a user (signed in, or through one of its keys) or an API
 * member (through one of its keys). The business always comes from here, never from an argument.
 */
export interface Principal {
  id: string
  kind: PrincipalKind
  name: string
  businessId: string
  businessSlug: string
  businessName: string
  teamId: string | null
  roleId: string
  roleName: string
  /** Holds the built-in Admin role. */
  isAdminRole: boolean
  permissions: PermissionMatrix
  credential: Credential
  /** Cost budgets an admin set, for the principal and its whole business; null: the server's defaults. */
  budgets: { own: CostBudget | null; business: CostBudget | null }
}

/** Admin work (keys, members, roles, audit) is for admin users signed in with a session, never for a key. */
export function canAdminister(principal: Principal | null): boolean {
  return principal !== null && principal.kind === 'USER' && principal.isAdminRole && principal.credential.kind === 'session'
}

/**
 * A value derived from a principal, worked out once per principal object: the credential cache
 * hands every request of a credential the same frozen principal, and a changed role, team or
 * budget reloads it as a new one. A principal that is not frozen (made for one request, as tests
 * do) is derived afresh each time.
 */
export function perPrincipal<T extends object>(derive: (principal: Principal) => T): (principal: Principal) => T {
  const memo = new WeakMap<Principal, T>()
  return (principal) => {
    const known = memo.get(principal)
    if (known) return known
    const value = derive(principal)
    if (Object.isFrozen(principal)) memo.set(principal, value)
    return value
  }
}
