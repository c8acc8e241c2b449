import type { Generated } from 'kysely'
import type { Id, Timestamp } from './types.js'

/**
 * Tables outside any one record type: installation secrets, idempotency, the global lookups that
 * find a tenant row before a request knows its business, sign-in throttles and key usage.
 */

/** Installation-wide secrets generated on first start (migration 2026-11-25T11-20-00). */
export interface ServerSecretsTable {
  name: string
  value: string
  created_at: Generated<Date>
}

/** Creates already answered, by idempotency key (migration 2026-11-25T12-00-00). */
export interface IdempotencyKeysTable {
  business_id: Id
  principal_id: Id
  key: string
  operation: string
  request_hash: string
  record_id: Id | null
  created_at: Timestamp
}

/**
 * The three global lookups (a login email, a session token's hash, an API key's public id): each
 * finds the tenant row it names, before the request knows its business. Written in the same
 * transaction as that row (src/access/global-lookups.ts).
 */
export interface LoginEmailsTable {
  email: string
  business_id: Id
  principal_id: Id
}
export interface SessionTokensTable {
  token_hash: string
  business_id: Id
  session_id: Id
}
export interface ApiKeyLookupsTable {
  public_key: string
  business_id: Id
  key_id: Id
}

/** Requests per API key per UTC day, added to in batches (src/server/usage.ts). */
export interface ApiKeyUsageTable {
  business_id: Id
  key_id: Id
  day: string
  requests: Generated<string>
  errors: Generated<string>
  rate_limited: Generated<string>
}

/** Sign-in failures per (email digest, client address): src/access/credentials/sign-in-throttle.ts. */
export interface SignInThrottlesTable {
  email_digest: string
  client_address: string
  failures: number
  last_failure_at: Date
  locked_until: Date | null
}

