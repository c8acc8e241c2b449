import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'
import { recordAudit } from '../access/audit.js'
import { loadPrincipal } from '../access/credentials/load-principal.js'
import { levelOf } from '../access/permissions.js'
import type { Database } from '../db/types.js'
import { encodeGlobalId } from '../graphql/global-id.js'
import type { Resource } from '../records/resource.js'
import { SECURITY_SUBJECTS } from '../records/write/outbox.js'
import { ownerCondition } from '../records/row-scope.js'
import { BULK_EXPORT_TYPE } from '../records/write/outbox.js'
import { type ClaimedDelivery, type LoadedDelivery, type Outcome, loadDelivery, recordOutcome } from './deliveries.repository.js'
import { postWebhook } from './send.js'
import { signedHeaders } from './signing.js'
import type { TargetRules } from './targets.js'

/**
 * Makes one claimed delivery: checks that the endpoint's member may read the record (else the
 * delivery is SKIPPED and nothing is sent), signs and POSTs the thin payload, and records the
 * outcome: DELIVERED, a retry at the schedule's next step (jittered), DEAD past its last step. An
 * endpoint failing without a success for `disableAfterSeconds` is disabled and audited.
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
  /** Counts an outcome for the metrics. */
  count(outcome: 'delivered' | 'retry' | 'dead' | 'skipped'): void
}

export async function deliverOne(deps: DeliveryDeps, claimed: ClaimedDelivery): Promise<void> {
  const delivery = await loadDelivery(deps.db, claimed)
  if (!delivery) return
  // Security events are about the business's credentials, subscribed to by an admin, and carry ids
  // only: no record for the member's role to filter.
  const security = SECURITY_SUBJECTS.has(delivery.record_type)
  const refusal = security ? null : await readRefusal(deps, delivery)
  if (refusal) {
    await recordOutcome(deps.db, delivery, { status: 'SKIPPED', attempt: claimed.attempts, responseStatus: null, latencyMs: null, error: refusal })
    deps.count('skipped')
    return
  }
  const occurredAt = new Date(delivery.occurred_at).toISOString()
  const body = JSON.stringify({
    type: delivery.type,
    timestamp: occurredAt,
    data: {
      id: encodeGlobalId(delivery.record_type, String(delivery.record_id)),
      typename: delivery.record_type,
      ...(security ? {} : { version: delivery.version }),
      occurredAt,
    },
  })
  const overlapping = delivery.previous_secret && delivery.previous_secret_expires_at && new Date(delivery.previous_secret_expires_at) > new Date()
  const secrets = overlapping ? [delivery.secret, delivery.previous_secret!] : [delivery.secret]
  const headers = signedHeaders(secrets, delivery.message_id, Math.floor(Date.now() / 1000), body)
  const result = await postWebhook(delivery.url, headers, body, { timeoutMs: deps.settings.timeoutMs, rules: deps.settings.rules })
  const outcome = outcomeOf(deps.settings, claimed.attempts, result)
  // A success of a healthy endpoint (the usual case) is one statement; a failure, or the first
  // success after failures, also updates the endpoint's health, in the same transaction.
  if (result.ok && !delivery.failing_since) await recordOutcome(deps.db, delivery, outcome)
  else {
    await deps.db.transaction().execute(async (trx) => {
      await recordOutcome(trx, delivery, outcome)
      await trackEndpointHealth(trx, deps.settings, delivery, result.ok)
    })
  }
  deps.count(outcome.status === 'DELIVERED' ? 'delivered' : outcome.status === 'DEAD' ? 'dead' : 'retry')
  if (!result.ok) deps.log.info({ deliveryId: delivery.id, endpointId: delivery.endpoint_id, attempt: claimed.attempts, error: result.error, next: outcome.status }, 'webhook delivery failed')
}

/** Why the endpoint's member may not see this event's record, or null when it may. */
async function readRefusal(deps: DeliveryDeps, delivery: LoadedDelivery): Promise<string | null> {
  if (delivery.record_type === BULK_EXPORT_TYPE) return exportRefusal(deps, delivery)
  const resource = deps.resources.get(delivery.record_type)
  if (!resource) return `unknown record type ${delivery.record_type}`
  // The member reads as itself; no credential is involved (nothing here is a request).
  const member = await loadPrincipal(deps.db, delivery.business_id, delivery.member_id, { kind: 'session', sessionId: '0' })
  if (!member) return "the endpoint's member is deactivated"
  const level = levelOf(member.permissions, resource.module, 'INQUIRE')
  if (level === 'NONE') return `the endpoint's member may not inquire ${resource.module}`
  // The owner rule on the row itself; a tombstone counts (a delete is news to whoever could read it).
  const readable = await (deps.db as Kysely<any>)
    .selectFrom(`${resource.table} as target`)
    .select('target.id')
    .where('target.business_id', '=', delivery.business_id)
    .where('target.id', '=', String(delivery.record_id))
    .where((eb) => ownerCondition(eb, resource, member, level, 'target'))
    .executeTakeFirst()
  return readable ? null : "the record is outside the endpoint's member's scope"
}

/** An export is heard of only by its own principal, while that principal is active. */
async function exportRefusal(deps: DeliveryDeps, delivery: LoadedDelivery): Promise<string | null> {
  const own = await deps.db.selectFrom('bulk_exports as x')
    .innerJoin('principals as p', (join) => join.onRef('p.business_id', '=', 'x.business_id').onRef('p.id', '=', 'x.principal_id'))
    .select('x.id')
    .where('x.business_id', '=', delivery.business_id).where('x.id', '=', String(delivery.record_id))
    .where('x.principal_id', '=', delivery.member_id).where('p.active', '=', true)
    .executeTakeFirst()
  return own ? null : "the export is not the endpoint's member's, or that member is deactivated"
}

function outcomeOf(settings: DeliverySettings, attempt: number, result: Awaited<ReturnType<typeof postWebhook>>): Outcome {
  const base = { attempt, responseStatus: result.status, latencyMs: result.latencyMs, error: result.error }
  if (result.ok) return { ...base, status: 'DELIVERED' }
  const wait = settings.retrySchedule[attempt - 1]
  if (wait === undefined) return { ...base, status: 'DEAD' }
  const jitter = 0.8 + Math.random() * 0.4
  return { ...base, status: 'PENDING', retryAt: new Date(Date.now() + wait * 1000 * jitter) }
}

/** A success clears the endpoint's failing streak; a failure starts it, and a long one disables the endpoint. */
async function trackEndpointHealth(trx: Kysely<Database>, settings: DeliverySettings, delivery: LoadedDelivery, ok: boolean): Promise<void> {
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
