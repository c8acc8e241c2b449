import { type Kysely, sql } from 'kysely'
import type { Database } from '../../db/types.js'
import { PRINCIPAL_COLUMNS, type PrincipalRow } from '../common/principals.repository.js'
import { reserveLoginEmail } from '../../access/global-lookups.js'
import type { Principal } from '../../access/principal.js'

/**
 * Creates a user; undefined (writing nothing) when the email is already taken anywhere in
 * Gatehouse (emails are the one global login lookup), so the caller learns nothing about which
 * business has it.
 */
export async function insertUser(
  trx: Kysely<Database>,
  principal: Principal,
  user: { email: string; name: string; passwordHash: string; roleId: string; teamId: string | null },
): Promise<PrincipalRow | undefined> {
  const id = await reserveLoginEmail(trx, { email: user.email, businessId: principal.businessId })
  if (id === undefined) return undefined
  return trx
    .insertInto('principals')
    .values({
      business_id: principal.businessId,
      id,
      kind: 'USER',
      email: user.email,
      name: user.name,
      password_hash: user.passwordHash,
      role_id: user.roleId,
      team_id: user.teamId,
    })
    .returning(PRINCIPAL_COLUMNS)
    .executeTakeFirstOrThrow()
}

/**
 * The business's built-in Admin role, locked `for update`. Every change that could take away an
 * admin takes this lock first, so two admins demoting each other at once cannot both succeed.
 */
export async function lockAdminRole(trx: Kysely<Database>, principal: Principal): Promise<string> {
  const role = await trx
    .selectFrom('security_roles')
    .select('id')
    .where('business_id', '=', principal.businessId)
    .where('is_builtin', '=', true)
    .forUpdate()
    .executeTakeFirstOrThrow()
  return role.id
}

/** Active admin users of the business other than `exceptId`. */
export async function countOtherActiveAdmins(
  trx: Kysely<Database>,
  principal: Principal,
  adminRoleId: string,
  exceptId: string,
): Promise<number> {
  const row = await trx
    .selectFrom('principals')
    .select(sql<number>`count(*)::int`.as('admins'))
    .where('business_id', '=', principal.businessId)
    .where('kind', '=', 'USER')
    .where('active', '=', true)
    .where('role_id', '=', adminRoleId)
    .where('id', '!=', exceptId)
    .executeTakeFirstOrThrow()
  return Number(row.admins)
}

/** The signed-in user's password hash (for changePassword); never leaves the server. */
export async function passwordHashOf(db: Kysely<Database>, principal: Principal): Promise<string | null> {
  const row = await db
    .selectFrom('principals')
    .select('password_hash')
    .where('business_id', '=', principal.businessId)
    .where('id', '=', principal.id)
    .where('kind', '=', 'USER')
    .executeTakeFirst()
  return row?.password_hash ?? null
}

/**
 * Replaces the caller's password hash, only if it is still `expectedHash` (a concurrent change
 * wins, this one does not silently overwrite it). False when it was changed meanwhile.
 */
export async function replacePasswordHash(
  trx: Kysely<Database>,
  principal: Pick<Principal, 'businessId' | 'id'>,
  expectedHash: string,
  newHash: string,
): Promise<boolean> {
  const result = await trx
    .updateTable('principals')
    .set({ password_hash: newHash })
    .where('business_id', '=', principal.businessId)
    .where('id', '=', principal.id)
    .where('password_hash', '=', expectedHash)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Ends every open session of the signed-in user but the current one (after a password change). */
export async function revokeOtherSessions(trx: Kysely<Database>, principal: Principal, currentSessionId: string | null): Promise<string[]> {
  let query = trx
    .updateTable('sessions')
    .set({ revoked_at: sql`now()` })
    .where('business_id', '=', principal.businessId)
    .where('user_id', '=', principal.id)
    .where('revoked_at', 'is', null)
  if (currentSessionId) query = query.where('id', '!=', currentSessionId)
  const rows = await query.returning('id').execute()
  return rows.map((row) => row.id)
}
