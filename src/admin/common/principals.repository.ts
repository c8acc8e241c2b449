import type { Kysely } from 'kysely'
import type { Database, PrincipalKind, Row } from '../../db/types.js'
import type { ConnectionArgs } from '../../records/read/pagination.js'
import type { ConnectionValue } from '../../records/read/relations.js'
import type { Principal } from '../../access/principal.js'
import { pageById } from './admin-pages.js'

/**
 * Users and API members are both rows of `principals`; this is what the admin screens read and
 * write of them. The password hash is never selected here, so it cannot leak into a response.
 */
export const PRINCIPAL_COLUMNS = [
  'id', 'business_id', 'kind', 'name', 'email', 'description', 'role_id', 'team_id', 'active', 'cost_limit', 'cost_restore_rate',
  'created_at', 'updated_at',
] as const

export type PrincipalRow = Pick<Row<'principals'>, (typeof PRINCIPAL_COLUMNS)[number]>

/** The user a login email names, with its password hash: one statement whether or not there is one. */
export function findSignInAccount(db: Kysely<Database>, email: string) {
  return db
    .selectFrom('login_emails as l')
    .innerJoin('principals as p', (join) => join.onRef('p.business_id', '=', 'l.business_id').onRef('p.id', '=', 'l.principal_id'))
    .select([...PRINCIPAL_COLUMNS.map((column) => `p.${column}` as const), 'p.password_hash'])
    .where('l.email', '=', email)
    .where('p.kind', '=', 'USER')
    .executeTakeFirst()
}

/** One page of the business's principals of a kind, in creation order. */
export function listPrincipals(
  db: Kysely<Database>,
  principal: Principal,
  kind: PrincipalKind,
  args: ConnectionArgs,
  withCount: boolean,
): Promise<ConnectionValue> {
  const scoped = db
    .selectFrom('principals')
    .select(PRINCIPAL_COLUMNS)
    .where('business_id', '=', principal.businessId)
    .where('kind', '=', kind)
  return pageById(scoped, 'principals.id', args, withCount)
}

/** Principals of a kind in the caller's business by id (`node` / `nodes`); ids it does not hold are absent. */
export async function loadPrincipals(
  db: Kysely<Database>,
  principal: Principal,
  kind: PrincipalKind,
  ids: readonly string[],
): Promise<Map<string, PrincipalRow>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('principals')
    .select(PRINCIPAL_COLUMNS)
    .where('business_id', '=', principal.businessId)
    .where('kind', '=', kind)
    .where('id', 'in', [...ids])
    .execute()
  return new Map(rows.map((row) => [row.id, row]))
}

/** One principal of a kind in the caller's business, locked for update when changing it. */
export function findPrincipal(
  db: Kysely<Database>,
  principal: Principal,
  kind: PrincipalKind,
  id: string,
  lock = false,
): Promise<PrincipalRow | undefined> {
  const query = db
    .selectFrom('principals')
    .select(PRINCIPAL_COLUMNS)
    .where('business_id', '=', principal.businessId)
    .where('kind', '=', kind)
    .where('id', '=', id)
  return (lock ? query.forUpdate() : query).executeTakeFirst()
}

export interface PrincipalPatch {
  name?: string
  description?: string
  roleId?: string
  /** null removes the team. */
  teamId?: string | null
  active?: boolean
}

/** Applies a patch to a principal of a kind; fields left undefined stay as they are. */
export function updatePrincipal(
  trx: Kysely<Database>,
  principal: Principal,
  kind: PrincipalKind,
  id: string,
  patch: PrincipalPatch,
): Promise<PrincipalRow | undefined> {
  // An empty patch would be an empty SET: answer the row as it is.
  if (Object.values(patch).every((value) => value === undefined)) return findPrincipal(trx, principal, kind, id)
  return trx
    .updateTable('principals')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.roleId !== undefined ? { role_id: patch.roleId } : {}),
      ...(patch.teamId !== undefined ? { team_id: patch.teamId } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
    })
    .where('business_id', '=', principal.businessId)
    .where('kind', '=', kind)
    .where('id', '=', id)
    .returning(PRINCIPAL_COLUMNS)
    .executeTakeFirst()
}
