import type { Kysely } from 'kysely'
import type { Database } from '../../db/types.js'
import { parseMatrix } from '../permissions.js'
import { budgetOf } from '../budgets.js'
import type { Credential, Principal } from '../principal.js'

/**
 * Loads an active principal with its business, team and role: what every request needs to know
 * about its caller. Returns null for an unknown or deactivated principal.
 */
export async function loadPrincipal(
  db: Kysely<Database>,
  businessId: string,
  principalId: string,
  credential: Credential,
): Promise<Principal | null> {
  const row = await principalRows(db).where('p.business_id', '=', businessId).where('p.id', '=', principalId).executeTakeFirst()
  return row ? toPrincipal(row, credential) : null
}

/**
 * The principals with what a Principal is made of (filter it to one). Also embedded in the webhook
 * loop's claim, which reads each endpoint's member in the same statement (as JSON, hence the
 * conversions in toPrincipal).
 */
export function principalRows(db: Kysely<Database>) {
  return db
    .selectFrom('principals as p')
    .innerJoin('businesses as b', 'b.id', 'p.business_id')
    .innerJoin('security_roles as r', (join) =>
      join.onRef('r.business_id', '=', 'p.business_id').onRef('r.id', '=', 'p.role_id'),
    )
    .select([
      'p.id', 'p.kind', 'p.name', 'p.team_id', 'p.role_id', 'p.active', 'b.id as business_id', 'b.slug', 'b.name as business_name',
      'r.name as role_name', 'r.is_builtin', 'r.permissions',
      'p.cost_limit', 'p.cost_restore_rate', 'b.cost_limit as business_cost_limit', 'b.cost_restore_rate as business_cost_restore_rate',
    ])
}
export type PrincipalRow = Awaited<ReturnType<ReturnType<typeof principalRows>['executeTakeFirstOrThrow']>>

/** The Principal of a row of principalRows; null when it is deactivated. */
export function toPrincipal(row: PrincipalRow, credential: Credential): Principal | null {
  if (!row.active) return null
  return {
    // Ids as strings, whether the row came from the driver or from JSON.
    id: String(row.id),
    kind: row.kind,
    name: row.name,
    businessId: String(row.business_id),
    businessSlug: row.slug,
    businessName: row.business_name,
    teamId: row.team_id === null ? null : String(row.team_id),
    roleId: String(row.role_id),
    roleName: row.role_name,
    isAdminRole: row.is_builtin,
    permissions: parseMatrix(row.permissions),
    credential,
    budgets: {
      own: budgetOf(row.cost_limit, row.cost_restore_rate),
      business: budgetOf(row.business_cost_limit, row.business_cost_restore_rate),
    },
  }
}
