import { createHash } from 'node:crypto'
import { registerSessionToken } from '../global-lookups.js'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/types.js'
import type { Principal } from '../principal.js'
import { checksumOf, hasValidChecksum, randomBase62 } from './tokens.js'

/**
 * Sessions of signed-in users. The token is opaque — "gs_" + 43 random base62 characters (~256
 * bits) + a 6-character checksum — and the database keeps only its SHA-256 (a token this random
 * needs no salt or pepper: nobody can guess one to test against a stolen hash). Sessions expire
 * after SESSION_TTL_MS and end early on signOut, deactivation or a password reset.
 */

export const SESSION_TOKEN_PREFIX = 'gs_'
const SESSION_RANDOM_LENGTH = 43
export const SESSION_TOKEN_LENGTH = SESSION_TOKEN_PREFIX.length + SESSION_RANDOM_LENGTH + 6
/** Twelve hours: a working day, after which the admin signs in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000

const TOKEN_PATTERN = new RegExp(`^${SESSION_TOKEN_PREFIX}[0-9A-Za-z]{${SESSION_RANDOM_LENGTH + 6}}$`)

/** A new session token (returned to the user once, never stored). */
export function generateSessionToken(): string {
  const body = SESSION_TOKEN_PREFIX + randomBase62(SESSION_RANDOM_LENGTH)
  return body + checksumOf(body)
}

/** True when the token has the right shape and checksum: worth looking up. */
export function isWellFormedSessionToken(token: string): boolean {
  return token.length === SESSION_TOKEN_LENGTH && TOKEN_PATTERN.test(token) && hasValidChecksum(token)
}

/** The stored form of a session token. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export interface CreatedSession {
  id: string
  token: string
  expiresAt: Date
}

/** Opens a session for a user of a business (inside the caller's transaction). */
export async function createSession(
  db: Kysely<Database>,
  user: { businessId: string; userId: string },
): Promise<CreatedSession> {
  const token = generateSessionToken()
  const tokenHash = hashSessionToken(token)
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS)
  const row = await db
    .insertInto('sessions')
    .values({ business_id: user.businessId, user_id: user.userId, token_hash: tokenHash, expires_at: expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow()
  await registerSessionToken(db, { tokenHash, businessId: user.businessId, sessionId: row.id })
  return { id: row.id, token, expiresAt }
}

/**
 * Finds a session by its token's hash: one of the few global lookups (the request does not know its
 * business yet). Returns revoked and expired sessions too; the caller decides.
 */
export async function findSessionByToken(db: Kysely<Database>, token: string) {
  return db
    .selectFrom('session_tokens as lookup')
    .innerJoin('sessions as s', (join) => join.onRef('s.business_id', '=', 'lookup.business_id').onRef('s.id', '=', 'lookup.session_id'))
    .select(['s.business_id', 's.id', 's.user_id', 's.expires_at', 's.revoked_at'])
    .where('lookup.token_hash', '=', hashSessionToken(token))
    .executeTakeFirst()
}

/** Ends the caller's own current session. Returns false when it was already over. */
export async function revokeOwnSession(db: Kysely<Database>, principal: Principal): Promise<boolean> {
  if (principal.credential.kind !== 'session') return false
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: new Date() })
    .where('business_id', '=', principal.businessId)
    .where('id', '=', principal.credential.sessionId)
    .where('user_id', '=', principal.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/**
 * Ends every open session of a user (deactivation, password reset). Returns the ids ended; call
 * invalidateCredentials for the user after the transaction commits.
 */
export async function revokeUserSessions(db: Kysely<Database>, businessId: string, userId: string): Promise<string[]> {
  const rows = await db
    .updateTable('sessions')
    .set({ revoked_at: new Date() })
    .where('business_id', '=', businessId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning('id')
    .execute()
  return rows.map((row) => row.id)
}
