import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'
import { recordAudit } from '../access/audit.js'
import type { Database } from '../db/types.js'
import { encodeGlobalId } from '../graphql/global-id.js'
import type { Resource } from '../records/resource.js'
import { SECURITY_SUBJECTS } from '../records/write/outbox.js'
import { type ClaimedDelivery, type Outcome, recordOutcomes, releaseClaims } from './deliveries.repository.js'
import { readRefusals } from './read-refusals.js'
import { postWebhook } from './send.js'
import { signedHeaders } from './signing.js'
import type { TargetRules } from './targets.js'

/**
 * Makes a round's claimed deliveries: checks that each endpoint's member may read the record (else
 * the delivery is SKIPPED and nothing is sent), signs and POSTs the thin payloads concurrently, at
 * most `inFlightPerEndpoint` at once to one endpoint, in the order claimed (the claim took at most
 * one per record), starting none later than START_WITHIN_MS after the first (the rest are given
 * back; the claim's lease counts on it), and records every
 * outcome in one statement: DELIVERED, a retry at the schedule's next step (jittered), DEAD past its
 * last step. An endpoint failing without a success for `disableAfterSeconds` is disabled and audited.
 */

export interface DeliverySettings {
  retrySchedule: readonly number[]
  timeoutMs: number
  disableAfterSeconds: number
  rules: TargetRules
}

export interface DeliveryDeps {
  db: Kysely<Database>
  log: Logger
  resources: ReadonlyMap<string, Resource>
  settings: DeliverySettings
  /** Attempts made to one endpoint at once. */
  inFlightPerEndpoint: number
  /** Counts an outcome for the metrics. */
  count(outcome: 'delivered' | 'retry' | 'dead' | 'skipped'): void
}

/**
 * How long after a batch's first attempts its lanes may still start one. What they leave is given
 * back (due again at once): a slow endpoint holds a round, and a stop, for about one attempt's
 * deadline, as when a claim took one batch, not one deadline per batch it claimed.
 */
const START_WITHIN_MS = 1_000
/** Seconds a claim outlives its attempts' deadlines and start window, before another round may take it over. */
const LEASE_MARGIN_SECONDS = 5
/**
 * How long after its claim a batch may still start attempts, whatever delayed its first: the claim
 * and the owner checks may use 2 s of the lease's margin, and the other 3 s are left for recording
 * the outcomes.
 */
const START_AFTER_CLAIM_MS = START_WITHIN_MS + 2_000

/**
 * How long a claim holds its deliveries: an attempt starts within START_WITHIN_MS of its batch's
 * first and START_AFTER_CLAIM_MS of the claim, or not at all (it is given back), and ends within
 * its deadline, its name's lookup included (send.ts).
 */
export const leaseSeconds = (timeoutMs: number) => Math.ceil((timeoutMs + START_WITHIN_MS) / 1000) + LEASE_MARGIN_SECONDS

/**
 * Makes and records the claimed deliveries; says whether any was scheduled for a retry, and
 * whether any was given back unattempted (the time to start attempts ran out, or `stopping`).
 * `claimedAt`: when the claim was sent (its lease runs from about then).
 */
export async function deliverBatch(
  deps: DeliveryDeps,
  claimed: readonly ClaimedDelivery[],
  options: { claimedAt: number; stopping(): boolean },
): Promise<{ retried: boolean; released: boolean }> {
  const refusals = await readRefusals(deps.db, deps.resources, claimed)
  const startBy = Math.min(Date.now() + START_WITHIN_MS, options.claimedAt + START_AFTER_CLAIM_MS)
  const started = await inLanes(claimed, deps.inFlightPerEndpoint, () => Date.now() < startBy && !options.stopping(), async (delivery) => {
    const refusal = refusals.get(delivery.id)
    if (refusal) return { delivery, ok: null, outcome: skipped(delivery, refusal) }
    const result = await send(deps.settings, delivery)
    return { delivery, ok: result.ok, outcome: outcomeOf(deps.settings, delivery, result) }
  })
  // Given back first: free for every instance at once, whatever recording the rest meets.
  const unattempted = claimed.filter((_, index) => started[index] === undefined)
  await releaseClaims(deps.db, unattempted)
  const attempts = started.filter((attempt) => attempt !== undefined)
  const outcomes = attempts.map((attempt) => attempt.outcome)
  // Which endpoints' health changes: a failure starts or extends a streak, and the first success
  // after failures ends it. The usual round (healthy endpoints answering) is the one statement.
  const health = new Map<string, { delivery: ClaimedDelivery; ok: boolean }>()
  for (const { delivery, ok } of attempts) {
    if (ok === null || (ok && !delivery.failing_since)) continue
    const key = `${delivery.business_id}:${delivery.endpoint_id}`
    health.set(key, { delivery, ok: ok || (health.get(key)?.ok ?? false) })
  }
  if (health.size === 0) await recordOutcomes(deps.db, outcomes)
  else {
    await deps.db.transaction().execute(async (trx) => {
      await recordOutcomes(trx, outcomes)
      for (const { delivery, ok } of health.values()) await trackEndpointHealth(trx, deps.settings, delivery, ok)
    })
  }
  for (const { delivery, outcome } of attempts) {
    deps.count(outcome.status === 'DELIVERED' ? 'delivered' : outcome.status === 'DEAD' ? 'dead' : outcome.status === 'SKIPPED' ? 'skipped' : 'retry')
    if (outcome.status !== 'DELIVERED' && outcome.status !== 'SKIPPED') {
      deps.log.info({ deliveryId: delivery.id, endpointId: delivery.endpoint_id, attempt: delivery.attempts, error: outcome.error, next: outcome.status }, 'webhook delivery failed')
    }
  }
  return { retried: outcomes.some((outcome) => outcome.status === 'PENDING'), released: unattempted.length > 0 }
}

/**
 * Runs `attempt` for the deliveries, at most `inFlight` at once per endpoint, each endpoint's in id
 * order, while `mayStart`; answers in the order given, undefined for a delivery not started.
 */
async function inLanes<T>(
  claimed: readonly ClaimedDelivery[],
  inFlight: number,
  mayStart: () => boolean,
  attempt: (delivery: ClaimedDelivery) => Promise<T>,
): Promise<Array<T | undefined>> {
  const results: Array<T | undefined> = new Array(claimed.length).fill(undefined)
  const queues = new Map<string, number[]>()
  claimed.forEach((delivery, index) => {
    const key = `${delivery.business_id}:${delivery.endpoint_id}`
    const queue = queues.get(key)
    if (queue) queue.push(index)
    else queues.set(key, [index])
  })
  const lanes: Promise<void>[] = []
  for (const queue of queues.values()) {
    queue.sort((a, b) => (BigInt(claimed[a]!.id) < BigInt(claimed[b]!.id) ? -1 : 1))
    const lane = async () => {
      for (let index = queue.shift(); index !== undefined && mayStart(); index = queue.shift()) results[index] = await attempt(claimed[index]!)
    }
    // Counted before the loop: each lane takes its first delivery off the queue as it starts.
    const count = Math.min(inFlight, queue.length)
    for (let i = 0; i < count; i++) lanes.push(lane())
  }
  await Promise.all(lanes)
  return results
}

/** Signs and POSTs one delivery's thin payload. */
function send(settings: DeliverySettings, delivery: ClaimedDelivery) {
  // Security events are about credentials and carry no version (readRefusals lets them through).
  const security = SECURITY_SUBJECTS.has(delivery.record_type)
  const occurredAt = new Date(delivery.occurred_at).toISOString()
  const body = JSON.stringify({
    type: delivery.type,
    timestamp: occurredAt,
    data: {
      id: encodeGlobalId(delivery.record_type, delivery.record_id),
      typename: delivery.record_type,
      ...(security ? {} : { version: delivery.version }),
      occurredAt,
    },
  })
  const overlapping = delivery.previous_secret && delivery.previous_secret_expires_at && new Date(delivery.previous_secret_expires_at) > new Date()
  const secrets = overlapping ? [delivery.secret, delivery.previous_secret!] : [delivery.secret]
  const headers = signedHeaders(secrets, delivery.message_id, Math.floor(Date.now() / 1000), body)
  return postWebhook(delivery.url, headers, body, { timeoutMs: settings.timeoutMs, rules: settings.rules })
}

const skipped = (delivery: ClaimedDelivery, refusal: string): Outcome =>
  ({ delivery, status: 'SKIPPED', attempt: delivery.attempts, responseStatus: null, latencyMs: null, error: refusal })

function outcomeOf(settings: DeliverySettings, delivery: ClaimedDelivery, result: Awaited<ReturnType<typeof postWebhook>>): Outcome {
  const base = { delivery, attempt: delivery.attempts, responseStatus: result.status, latencyMs: result.latencyMs, error: result.error }
  if (result.ok) return { ...base, status: 'DELIVERED' }
  const wait = settings.retrySchedule[delivery.attempts - 1]
  if (wait === undefined) return { ...base, status: 'DEAD' }
  const jitter = 0.8 + Math.random() * 0.4
  return { ...base, status: 'PENDING', retryAt: new Date(Date.now() + wait * 1000 * jitter) }
}

/** A success clears the endpoint's failing streak; a failure starts it, and a long one disables the endpoint. */
async function trackEndpointHealth(trx: Kysely<Database>, settings: DeliverySettings, delivery: ClaimedDelivery, ok: boolean): Promise<void> {
  const endpoint = trx.updateTable('webhook_endpoints').where('business_id', '=', delivery.business_id).where('id', '=', delivery.endpoint_id)
  if (ok) {
    if (delivery.failing_since) await endpoint.set({ failing_since: null }).execute()
    return
  }
  const disabled = await endpoint
    .set({
      failing_since: sql<Date>`coalesce(failing_since, now())`,
      // Both read the row as it was: still active unless it was already failing before the cutoff.
      active: sql<boolean>`active and (failing_since is null or failing_since > now() - make_interval(secs => ${settings.disableAfterSeconds}))`,
    })
    .returning(['active', 'disabled_at'])
    .executeTakeFirst()
  if (disabled && !disabled.active && !disabled.disabled_at) {
    const reason = `no successful delivery for ${settings.disableAfterSeconds} s`
    await trx
      .updateTable('webhook_endpoints')
      .set({ disabled_at: new Date(), disabled_reason: reason })
      .where('business_id', '=', delivery.business_id)
      .where('id', '=', delivery.endpoint_id)
      .execute()
    await recordAudit(trx, {
      businessId: delivery.business_id,
      action: 'webhook.disabled',
      actorId: null,
      credential: null,
      targetType: 'WebhookEndpoint',
      targetId: delivery.endpoint_id,
      details: { reason },
    })
  }
}
