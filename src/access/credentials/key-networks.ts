import type { Kysely } from 'kysely'
import { LRUCache } from 'lru-cache'
import type { Logger } from 'pino'
import type { Database } from '../../db/types.js'
import { recordAudit } from '../audit.js'
import { addressBucket, networkMatcher } from '../networks.js'
import type { Principal } from '../principal.js'

/** A refusal is audited once per key and address in this long: a misconfigured client retrying must not flood the log. */
const AUDIT_EVERY_MS = 60_000
/** Nor a stolen key tried from address after address: at most this many refusals of one key are audited per interval. */
const AUDITS_PER_KEY = 10

/**
 * Enforces per-key network restrictions (Stripe's "restrict to IP addresses"): a key that lists
 * networks works only from an address in them. Sessions and keys without a list are not limited.
 * Refusals are audited in the key's business, at most once a minute per key and address (an IPv6
 * address by its /64) and ten times a minute per key.
 */
export function createKeyNetworkGuard(deps: { db: Kysely<Database>; log: Logger }) {
  // The credential's list is frozen with its cached principal: one matcher per list, built once.
  const matchers = new WeakMap<readonly string[], (address: string | null) => boolean>()
  const audited = new LRUCache<string, true>({ max: 10_000, ttl: AUDIT_EVERY_MS })
  const auditsOfKey = new LRUCache<string, number>({ max: 10_000, ttl: AUDIT_EVERY_MS })
  return {
    /** Whether the principal's credential may be used from the request's client address. */
    allows(principal: Principal, request: { requestId: string; clientAddress: string | null }): boolean {
      const credential = principal.credential
      if (credential.kind !== 'api_key' || credential.allowedNetworks.length === 0) return true
      let matches = matchers.get(credential.allowedNetworks)
      if (!matches) matchers.set(credential.allowedNetworks, (matches = networkMatcher(credential.allowedNetworks)))
      if (matches(request.clientAddress)) return true
      const once = `${credential.publicKey}|${addressBucket(request.clientAddress)}`
      const count = auditsOfKey.get(credential.publicKey) ?? 0
      if (!audited.has(once) && count < AUDITS_PER_KEY) {
        audited.set(once, true)
        // The count's minute starts at the key's first refusal (set without resetting the expiry after).
        auditsOfKey.set(credential.publicKey, count + 1, { noUpdateTTL: count > 0 })
        recordAudit(deps.db, {
          businessId: principal.businessId,
          action: 'api_keys.network_refused',
          actorId: principal.id,
          credential: `api_key:${credential.publicKey}`,
          targetType: 'ApiKey',
          targetId: credential.keyId,
          requestId: request.requestId,
          clientAddress: request.clientAddress,
          details: { publicKey: credential.publicKey, allowedNetworks: credential.allowedNetworks },
        }).catch((error: unknown) => deps.log.warn({ err: error, publicKey: credential.publicKey }, 'could not audit a refused key network'))
      }
      return false
    },
  }
}
