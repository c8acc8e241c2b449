import type { Kysely } from 'kysely'
import { claimLoginEmail, registerSessionToken } from '../../src/access/global-lookups.js'
import { hashSessionToken } from '../../src/access/credentials/sessions.js'
import type { Database } from '../../src/db/types.js'

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
