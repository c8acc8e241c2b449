import { LRUCache } from 'lru-cache'
import { apiKeyMatches, apiKeyMatchesRemembered, resolveKeyPepper } from './api-keys.js'
import { type PresentedCredential, readPresentedCredential } from './credential-headers.js'
import { type BusDeps, type InvalidationBus, InvalidationTarget, openInvalidationBus } from './invalidation.js'
import { reliablePublisher } from './reliable-publisher.js'
import { loadPrincipal } from './load-principal.js'
import { prepareDummyPasswordHash } from './passwords.js'
import { CredentialRefusedError } from './refused.js'
import type { Principal } from '../principal.js'
import { findSessionByToken, hashSessionToken } from './sessions.js'

export type { InvalidationTarget } from './invalidation.js'

/**
 * Turns a request's credential into its Principal, fast: after a credential's first use its
 * principal sits in an in-process cache (by public key, or by session token hash), so a valid key
 * costs an HMAC and a map lookup — no database round-trip — and `last_used_at` is written at most
 * once a minute per key, off the request path. Changes that alter what a credential may do
 * (revocation, regeneration, deactivation, role changes, sign-out) call `invalidateCredentials`,
 * which forgets matching entries here at once and on every other instance through the
 * invalidation bus. Entries also expire after CACHE_TTL_MS as a safety net.
 */

/** Safety net: a missed invalidation cannot outlive this. */
export const CACHE_TTL_MS = 60_000
/**
 * How old an entry may be when the invalidation bus has not confirmed it is up to date: a
 * revocation applies within this on every instance, even when the bus is down or stuck.
 */
export const UNCONFIRMED_TTL_MS = 1_000
const CACHE_MAX_ENTRIES = 50_000
/** `last_used_at` is worth a write once a minute, not once a request. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000

/** One credential as last read from the database. */
interface CachedCredential {
  kind: 'api_key' | 'session'
  /** Null: the credential exists but is refused (revoked, expired, owner deactivated). */
  principal: Principal | null
  businessId: string
  principalId: string
  /** The api_keys or sessions row id. */
  rowId: string
  publicKey: string | null
  secretHash: string | null
  /** When it stops working (epoch ms): expiry, a revocation's end of grace, or a session's end. */
  validUntil: number | null
  lastUsedWrite: number
  /** When its read from the database began (epoch ms): it reflects every change committed before. */
  loadedAt: number
  /** The digest of the secret that last matched `secretHash` (apiKeyMatchesRemembered). */
  verified: string | null
}
type LoadedCredential = Omit<CachedCredential, 'loadedAt' | 'verified'>

/**
 * Turns a request's credential into its caller: null when it carries none; throws
 * CredentialRefusedError when it is bad.
 */
export interface Authenticator {
  authenticate(request: { headers: Pick<Headers, 'get'> }, meta: { requestId: string; clientAddress: string | null }): Promise<Principal | null>
}

/** The credential service: the Authenticator the server calls, plus what key management needs. */
export interface CredentialService extends Authenticator {
  /** The pepper API key hashes are made with (src/access/credentials/api-keys.ts). */
  readonly keyPepper: Buffer
  /** Forgets cached credentials matching the target, here and on every instance. Call after commit. */
  invalidate(target: InvalidationTarget): Promise<void>
  /** Cache counters, for measurements. */
  stats(): { hits: number; misses: number; entries: number; bus: InvalidationBus['kind']; busHealthy: boolean }
  close(): Promise<void>
}

/**
 * Forgets what any instance cached about the target's credentials, so the change applies from the
 * very next request. Call AFTER the transaction that made the change commits (an instance reading
 * before the commit would cache the old state again). Examples: `{ principalId }` after a member
 * or user is deactivated, reactivated or given another role, `{ roleId }` after a role's permissions change,
 * `{ publicKey }` after a key is revoked, `{ businessId }` after a business changes.
 */
export async function invalidateCredentials(services: { credentials?: CredentialService }, target: InvalidationTarget): Promise<void> {
  await services.credentials?.invalidate(target)
}

/** Builds the credential service: resolves the key pepper, opens the invalidation bus. */
export async function createAuthenticator(deps: BusDeps): Promise<CredentialService> {
  const { database, log } = deps
  const keyPepper = await resolveKeyPepper(deps.config, database, log)
  void prepareDummyPasswordHash()
  const cache = new LRUCache<string, CachedCredential>({ max: CACHE_MAX_ENTRIES, ttl: CACHE_TTL_MS })
  // Credentials no row has, answered from memory: an unknown public key costs what a known one with a
  // wrong private part does (which keys exist cannot be timed), and guesses cost the database nothing.
  const unknown = new LRUCache<string, true>({ max: CACHE_MAX_ENTRIES, ttl: CACHE_TTL_MS })
  // Bumped by every invalidation: a load that started before one must not cache what it read.
  let generation = 0
  let hits = 0
  let misses = 0
  const pendingWrites = new Set<Promise<unknown>>()

  const forget = (target: InvalidationTarget) => {
    generation++
    const doomed: string[] = []
    for (const [key, entry] of cache.entries()) if (matches(entry, target)) doomed.push(key)
    for (const key of doomed) cache.delete(key)
  }
  const bus = await openInvalidationBus(deps, {
    onMessage: forget,
    onReset: () => {
      generation++
      cache.clear()
      unknown.clear()
    },
  })


  const publisher = reliablePublisher(bus, log)

  const refuse = (reason: string, meta: { requestId: string }, publicKey?: string | null): never => {
    // The reason goes to the log (for the operator), never to the caller: one message for all.
    log.info({ requestId: meta.requestId, reason, publicKey: publicKey ?? undefined }, 'credential refused')
    throw new CredentialRefusedError()
  }

  /** Fresh: read within the last second, or any invalidation that could concern it has arrived. */
  const fresh = (entry: CachedCredential) => Math.max(entry.loadedAt, bus.confirmedUpTo()) >= Date.now() - UNCONFIRMED_TTL_MS

  const cached = async (cacheKey: string, load: () => Promise<LoadedCredential | null>): Promise<CachedCredential | null> => {
    const hit = cache.get(cacheKey)
    if (hit && fresh(hit)) {
      hits++
      return hit
    }
    if (unknown.has(cacheKey)) {
      hits++
      return null
    }
    misses++
    const startedAt = generation
    const loadedAt = Date.now()
    const loaded = await load()
    if (!loaded) {
      unknown.set(cacheKey, true)
      return null
    }
    const entry: CachedCredential = { ...loaded, loadedAt, verified: null }
    if (generation === startedAt) cache.set(cacheKey, entry)
    return entry
  }

  const loadKey = async (publicKey: string): Promise<LoadedCredential | null> => {
    // Through the global lookup (the request does not know its business yet), in one statement.
    const row = await database.db
      .selectFrom('api_key_lookups as lookup')
      .innerJoin('api_keys as k', (join) => join.onRef('k.business_id', '=', 'lookup.business_id').onRef('k.id', '=', 'lookup.key_id'))
      .select(['k.business_id', 'k.id', 'k.owner_id', 'k.secret_hash', 'k.expires_at', 'k.revoked_at', 'k.last_used_at', 'k.allowed_networks'])
      .where('lookup.public_key', '=', publicKey)
      .executeTakeFirst()
    if (!row) return null
    const validUntil = earliest(row.expires_at, row.revoked_at)
    const usable = validUntil === null || validUntil > Date.now()
    const principal = usable
      ? await loadPrincipal(database.db, row.business_id, row.owner_id, { kind: 'api_key', keyId: row.id, publicKey, allowedNetworks: row.allowed_networks })
      : null
    return {
      kind: 'api_key',
      principal: frozen(principal),
      businessId: row.business_id,
      principalId: row.owner_id,
      rowId: row.id,
      publicKey,
      secretHash: row.secret_hash,
      validUntil,
      lastUsedWrite: row.last_used_at?.getTime() ?? 0,
    }
  }

  const loadSession = async (token: string): Promise<LoadedCredential | null> => {
    const row = await findSessionByToken(database.db, token)
    if (!row) return null
    const validUntil = earliest(row.expires_at, row.revoked_at)
    const usable = validUntil === null || validUntil > Date.now()
    const principal = usable
      ? await loadPrincipal(database.db, row.business_id, row.user_id, { kind: 'session', sessionId: row.id })
      : null
    return {
      kind: 'session',
      principal: principal?.kind === 'USER' ? frozen(principal) : null,
      businessId: row.business_id,
      principalId: row.user_id,
      rowId: row.id,
      publicKey: null,
      secretHash: null,
      validUntil,
      lastUsedWrite: 0,
    }
  }

  const recordUse = (entry: CachedCredential) => {
    const now = Date.now()
    if (now - entry.lastUsedWrite < LAST_USED_WRITE_INTERVAL_MS) return
    entry.lastUsedWrite = now
    const write = database.db
      .updateTable('api_keys')
      .set({ last_used_at: new Date(now) })
      .where('business_id', '=', entry.businessId)
      .where('id', '=', entry.rowId)
      .execute()
      .catch((error: unknown) => log.warn({ err: error, publicKey: entry.publicKey }, 'could not record API key use'))
      .finally(() => pendingWrites.delete(write))
    pendingWrites.add(write)
  }

  const verify = async (presented: PresentedCredential, meta: { requestId: string }): Promise<Principal> => {
    if (presented.kind === 'session') {
      const entry = await cached(`s:${hashSessionToken(presented.token)}`, () => loadSession(presented.token))
      if (!entry) return refuse('unknown session', meta)
      return usablePrincipal(entry) ?? refuse('session ended or user deactivated', meta)
    }
    const { key, businessSlug } = presented
    const entry = await cached(`k:${key.publicKey}`, () => loadKey(key.publicKey))
    if (!entry) {
      // The HMAC a known key's check costs, on a hash no key has: the same work either way.
      apiKeyMatches(keyPepper, key, UNKNOWN_KEY_HASH)
      return refuse('unknown key', meta, key.publicKey)
    }
    if (!apiKeyMatchesRemembered(keyPepper, key, entry)) return refuse('wrong private key', meta, key.publicKey)
    const principal = usablePrincipal(entry) ?? refuse('key revoked or expired, or owner deactivated', meta, key.publicKey)
    if (businessSlug !== null && businessSlug !== principal.businessSlug) return refuse('wrong business slug', meta, key.publicKey)
    recordUse(entry)
    return principal
  }

  return {
    keyPepper,
    async authenticate(request, meta) {
      const presented = readPresentedCredential(request.headers)
      return presented ? verify(presented, meta) : null
    },
    async invalidate(target) {
      const parsed = InvalidationTarget.parse(target)
      forget(parsed)
      await publisher.publish(parsed)
    },
    stats: () => ({ hits, misses, entries: cache.size, bus: bus.kind, busHealthy: bus.healthy }),
    async close() {
      publisher.close()
      await bus.close()
      await Promise.allSettled([...pendingWrites])
      cache.clear()
      unknown.clear()
    },
  }
}

/**
 * A cached principal is shared by every request using its credential: frozen, so no request can
 * change what another sees.
 */
function frozen(principal: Principal | null): Principal | null {
  if (!principal) return null
  for (const grants of Object.values(principal.permissions)) Object.freeze(grants)
  Object.freeze(principal.permissions)
  Object.freeze(principal.credential)
  return Object.freeze(principal)
}

/** A well-formed stored hash that matches nothing (the HMAC of no key). */
const UNKNOWN_KEY_HASH = '0'.repeat(64)

/** The entry's principal while the credential is within its validity window. */
function usablePrincipal(entry: CachedCredential): Principal | null {
  if (entry.validUntil !== null && Date.now() >= entry.validUntil) return null
  return entry.principal
}

function earliest(...dates: Array<Date | null>): number | null {
  const times = dates.filter((date): date is Date => date !== null).map((date) => date.getTime())
  return times.length > 0 ? Math.min(...times) : null
}

function matches(entry: CachedCredential, target: InvalidationTarget): boolean {
  return (
    (target.businessId === undefined || target.businessId === entry.businessId) &&
    (target.principalId === undefined || target.principalId === entry.principalId) &&
    (target.roleId === undefined || target.roleId === entry.principal?.roleId) &&
    (target.publicKey === undefined || target.publicKey === entry.publicKey) &&
    (target.sessionId === undefined || (entry.kind === 'session' && target.sessionId === entry.rowId))
  )
}
