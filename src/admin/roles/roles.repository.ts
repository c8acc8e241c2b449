import { type Kysely, sql } from 'kysely'
import type { Database, Row } from '../../db/types.js'
import type { ConnectionArgs } from '../../records/read/pagination.js'
import type { ConnectionValue } from '../../records/read/relations.js'
import { loadInBusiness, pageById } from '../common/admin-pages.js'
import type { PermissionMatrix } from '../../access/permissions.js'
import type { Principal } from '../../access/principal.js'

export type RoleRow = Row<'security_roles'>

/** The caller's business's security roles, one page in creation order (the built-in Admin first). */
export function listRoles(db: Kysely<Database>, principal: Principal, args: ConnectionArgs, withCount: boolean): Promise<ConnectionValue> {
  const scoped = db.selectFrom('security_roles').selectAll().where('business_id', '=', principal.businessId)
  return pageById(scoped, 'security_roles.id', args, withCount)
}

/** Roles of the caller's business by id, in the order asked; an id of another business is undefined. */
export function loadRoles(db: Kysely<Database>, principal: Principal, ids: readonly string[]): Promise<Array<RoleRow | undefined>> {
  return loadInBusiness(db, 'security_roles', principal.businessId, ids)
}

/** How many principals (users and API members) hold each role, in the order asked. */
export async function countHolders(db: Kysely<Database>, principal: Principal, roleIds: readonly string[]): Promise<number[]> {
  if (roleIds.length === 0) return []
  const rows = await db
    .selectFrom('principals')
    .select(['role_id', sql<number>`count(*)::int`.as('holders')])
    .where('business_id', '=', principal.businessId)
    .where('role_id', 'in', [...roleIds])
    .groupBy('role_id')
    .execute()
  const byId = new Map(rows.map((row) => [row.role_id, Number(row.holders)]))
  return roleIds.map((id) => byId.get(id) ?? 0)
}

/**
 * One role of the caller's business. `share` locks it while a principal is assigned to it (so a
 * concurrent delete waits and then sees the holder); `update` locks it for a change or delete.
 */
export async function findRole(
  db: Kysely<Database>,
  principal: Principal,
  id: string,
  lock: 'share' | 'update',
): Promise<RoleRow | undefined> {
  const query = db.selectFrom('security_roles').selectAll().where('business_id', '=', principal.businessId).where('id', '=', id)
  return (lock === 'share' ? query.forShare() : query.forUpdate()).executeTakeFirst()
}

/** Creates a custom role; undefined when the business has a role of that name in any letter case. */
export function insertRole(
  trx: Kysely<Database>,
  principal: Principal,
  role: { name: string; permissions: PermissionMatrix },
): Promise<RoleRow | undefined> {
  return trx
    .insertInto('security_roles')
    .values({ business_id: principal.businessId, name: role.name, permissions: JSON.stringify(role.permissions) })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst()
}

/**
 * Changes a custom role's name and/or grants. The built-in Admin role is never matched. A name
 * taken in any letter case fails with a unique violation (see isUniqueViolation).
 */
export function updateRole(
  trx: Kysely<Database>,
  principal: Principal,
  id: string,
  patch: { name?: string; permissions?: PermissionMatrix },
): Promise<RoleRow> {
  return trx
    .updateTable('security_roles')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.permissions !== undefined ? { permissions: JSON.stringify(patch.permissions) } : {}),
    })
    .where('business_id', '=', principal.businessId)
    .where('id', '=', id)
    .where('is_builtin', '=', false)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * Deletes a custom role nobody holds; false when it is built in or still held. Call with the role
 * locked `for update` (findRole): assigning a role takes a key-share lock on it (the foreign key),
 * so no holder can appear between this check and the commit.
 */
export async function deleteRole(trx: Kysely<Database>, principal: Principal, id: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('security_roles')
    .where('business_id', '=', principal.businessId)
    .where('id', '=', id)
    .where('is_builtin', '=', false)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('principals')
            .select(sql`1`.as('one'))
            .whereRef('principals.business_id', '=', 'security_roles.business_id')
            .whereRef('principals.role_id', '=', 'security_roles.id'),
        ),
      ),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}
