import type { Kysely } from 'kysely'
import { claimLoginEmail, registerSessionToken } from '../../src/access/global-lookups.js'
import { hashSessionToken } from '../../src/access/credentials/sessions.js'
import type { Database } from '../../src/db/types.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import { ADMIN_ROLE_NAME } from '../../src/access/permissions.js'
import { loadBusinessData } from '../../src/seed/load-business.js'
import { type SeedOptions, seedDatabase } from '../../src/seed/seed.js'
import { createTestDatabase } from './database.js'

/**
 * Fixture rows written straight to the database, the way the product writes them (a user's
 * login email claimed in the global lookup, a session's token registered), so tests that set up
 * state quickly still meet the real lookups.
 */

/** A user of a business (a sales rep, an admin…); with `passwordHash` it can sign in. */
export async function insertUser(
  db: Kysely<Database>,
  user: { businessId: string; name: string; email: string; roleId: string; teamId?: string | null; passwordHash?: string | null; active?: boolean },
): Promise<string> {
  const email = user.email.toLowerCase()
  const row = await db
    .insertInto('principals')
    .values({
      business_id: user.businessId,
      kind: 'USER',
      name: user.name,
      email,
      password_hash: user.passwordHash ?? null,
      role_id: user.roleId,
      team_id: user.teamId ?? null,
      active: user.active ?? true,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  if (!(await claimLoginEmail(db, { email, businessId: user.businessId, principalId: row.id }))) {
    throw new Error(`fixture email ${email} is taken`)
  }
  return row.id
}

/** A session row for a token the test holds (one already expired, say). */
export async function insertSession(
  db: Kysely<Database>,
  session: { businessId: string; userId: string; token: string; expiresAt: Date },
): Promise<string> {
  const tokenHash = hashSessionToken(session.token)
  const row = await db
    .insertInto('sessions')
    .values({ business_id: session.businessId, user_id: session.userId, token_hash: tokenHash, expires_at: session.expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow()
  await registerSessionToken(db, { tokenHash, businessId: session.businessId, sessionId: row.id })
  return row.id
}

/**
 * A fresh test database seeded with `options`, and a user holding the Admin role in its first
 * business (named "Reader"): the caller of in-process read tests (test/setup/in-process.ts).
 */
export async function seededWithAdminReader(
  options: SeedOptions,
  email: string,
): Promise<{ database: DatabaseHandle; admin: { businessId: string; principalId: string } }> {
  const database = await createTestDatabase()
  const seeded = await seedDatabase(database.db, options)
  const businessId = seeded.businesses[0]!.id
  const role = await database.db.selectFrom('security_roles').select('id')
    .where('business_id', '=', businessId).where('name', '=', ADMIN_ROLE_NAME).executeTakeFirstOrThrow()
  const principalId = await insertUser(database.db, { businessId, name: 'Reader', email, roleId: role.id })
  return { database, admin: { businessId, principalId } }
}

/** Generated jobs, orders and contacts (the demo data's shape) added to an existing business, in one transaction. */
export function loadIntoBusiness(
  db: Kysely<Database>,
  business: { businessId: string; businessSlug: string },
  options: Parameters<typeof loadBusinessData>[2],
) {
  return db.transaction().execute((trx) => loadBusinessData(trx, { id: business.businessId, slug: business.businessSlug }, options))
}
