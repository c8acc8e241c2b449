import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/types.js'

/**
 * The three global lookups a request makes before it knows its business — a login email, a
 * session token's hash, an API key's public id — each in a table of its own keyed by that value
 * (so a database distributed by business, Citus, can still enforce its uniqueness). Every write of
 * the tenant row writes its lookup in the same transaction; these are the only places that do.
 */

/**
 * Reserves a login email for a user about to be created: allocates the principal's id and claims
 * the email for it, or returns undefined (writing nothing) when any business already has it.
 * Insert the principal with the returned id in the same transaction.
 */
export async function reserveLoginEmail(trx: Kysely<Database>, claim: { email: string; businessId: string }): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>`select nextval(pg_get_serial_sequence('principals', 'id'))::text as id`.execute(trx)
  const principalId = rows[0]!.id
  return (await claimLoginEmail(trx, { ...claim, principalId })) ? principalId : undefined
}

/** Claims a login email for a principal; false when any business already has it. */
export async function claimLoginEmail(
  trx: Kysely<Database>,
  claim: { email: string; businessId: string; principalId: string },
): Promise<boolean> {
  const row = await trx
    .insertInto('login_emails')
    .values({ email: claim.email, business_id: claim.businessId, principal_id: claim.principalId })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning('email')
    .executeTakeFirst()
  return row !== undefined
}

/** Whose login email this is, if anyone's. */
export function findLoginEmail(db: Kysely<Database>, email: string) {
  return db.selectFrom('login_emails').select(['business_id', 'principal_id']).where('email', '=', email).executeTakeFirst()
}

/** Registers a new session's token hash. */
export async function registerSessionToken(
  trx: Kysely<Database>,
  session: { tokenHash: string; businessId: string; sessionId: string },
): Promise<void> {
  await trx
    .insertInto('session_tokens')
    .values({ token_hash: session.tokenHash, business_id: session.businessId, session_id: session.sessionId })
    .execute()
}

/** Registers a new API key's public id. */
export async function registerApiKey(
  trx: Kysely<Database>,
  key: { publicKey: string; businessId: string; keyId: string },
): Promise<void> {
  await trx.insertInto('api_key_lookups').values({ public_key: key.publicKey, business_id: key.businessId, key_id: key.keyId }).execute()
}
