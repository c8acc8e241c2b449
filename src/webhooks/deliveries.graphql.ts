import { type Kysely, sql } from 'kysely'
import { auditRequestChange } from '../access/audit.js'
import type { Principal } from '../access/principal.js'
import type { Database } from '../db/types.js'
import { builder } from '../graphql/builder.js'
import { badInput, notFound } from '../graphql/errors.js'
import { encodeGlobalId, idOfType } from '../graphql/global-id.js'
import { connectionOf, pageArgs } from '../records/fields/connections.js'
import { requirePrincipal } from '../records/write/transaction.js'
import { announceDue } from '../records/write/outbox.js'
import { inTransaction } from '../admin/common/admin-mutation.js'
import { pageById, wantsTotalCount } from '../admin/common/admin-pages.js'
import { WebhookEndpointRef } from './endpoints.graphql.js'

/** What admins see of deliveries (status, attempts with response code and latency, next retry) and redelivery. */

/** The most events one replay queues. */
const REPLAY_MAX = 10_000

const deliveries = (db: Kysely<Database>, principal: Principal) =>
  db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as ev', (join) => join.onRef('ev.business_id', '=', 'd.business_id').onRef('ev.id', '=', 'd.event_id'))
    .select([
      'd.id', 'd.endpoint_id', 'd.event_id', 'd.message_id', 'd.status', 'd.attempts', 'd.next_attempt_at', 'd.last_attempt_at',
      'd.last_response_status', 'd.last_latency_ms', 'd.last_error', 'd.created_at', 'd.delivered_at',
      'ev.type', 'ev.record_type', 'ev.record_id', 'ev.version', 'ev.occurred_at',
    ])
    .where('d.business_id', '=', principal.businessId)
type DeliveryRow = Awaited<ReturnType<ReturnType<typeof deliveries>['executeTakeFirstOrThrow']>>

const DeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  values: {
    PENDING: { description: 'Waiting for its first attempt or a retry.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    DEAD: { description: 'Every retry failed; no further attempt is made (redeliver to try again).' },
    SKIPPED: { description: "Not sent: the endpoint's member may not read the record (or is deactivated)." },
  } as const,
})

const AttemptRef = builder.objectRef<{ attempt: number; attempted_at: Date; response_status: number | null; latency_ms: number; error: string | null }>('WebhookAttempt').implement({
  fields: (t) => ({
    attempt: t.exposeInt('attempt'),
    attemptedAt: t.field({ type: 'DateTime', resolve: (a) => a.attempted_at }),
    responseStatus: t.exposeInt('response_status', { nullable: true, description: 'The HTTP status answered; null when none came (timeout, refused connection).' }),
    latencyMs: t.exposeInt('latency_ms'),
    error: t.exposeString('error', { nullable: true }),
  }),
})

const DeliveryRef = builder.objectRef<DeliveryRow>('WebhookDelivery').implement({
  description: 'One event on its way to one endpoint: sent at least once, in order per record, retried with backoff.',
  fields: (t) => ({
    id: t.id({ resolve: (d) => encodeGlobalId('WebhookDelivery', d.id) }),
    messageId: t.exposeString('message_id', { description: 'The `webhook-id` header: the same on every retry and redelivery.' }),
    eventType: t.exposeString('type'),
    recordId: t.id({ description: 'Global id of the record the event is about.', resolve: (d) => encodeGlobalId(d.record_type, String(d.record_id)) }),
    version: t.exposeInt('version'),
    occurredAt: t.field({ type: 'DateTime', resolve: (d) => d.occurred_at }),
    status: t.field({ type: DeliveryStatusEnum, resolve: (d) => d.status }),
    attemptCount: t.exposeInt('attempts'),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, description: 'The next try, while PENDING.', resolve: (d) => (d.status === 'PENDING' ? d.next_attempt_at : null) }),
    lastAttemptAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => d.last_attempt_at }),
    lastResponseStatus: t.exposeInt('last_response_status', { nullable: true }),
    lastLatencyMs: t.exposeInt('last_latency_ms', { nullable: true }),
    lastError: t.exposeString('last_error', { nullable: true }),
    deliveredAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => d.delivered_at }),
    attempts: t.field({
      type: [AttemptRef],
      description: 'Every attempt made, oldest first.',
      resolve: (d, _args, context) =>
        context.db.selectFrom('webhook_attempts').select(['attempt', 'attempted_at', 'response_status', 'latency_ms', 'error'])
          .where('business_id', '=', requirePrincipal(context).businessId).where('delivery_id', '=', d.id).orderBy('attempt').execute(),
    }),
  }),
})
const DeliveryConnection = connectionOf(DeliveryRef, 'WebhookDelivery')

builder.objectField(WebhookEndpointRef, 'deliveries', (t) =>
  t.field({
    type: DeliveryConnection,
    description: 'Deliveries to this endpoint, oldest first.',
    args: { ...pageArgs(t), status: t.arg({ type: DeliveryStatusEnum, required: false }) },
    resolve: (endpoint, args, context, info) => {
      let scoped = deliveries(context.db, requirePrincipal(context)).where('d.endpoint_id', '=', endpoint.id)
      if (args.status) scoped = scoped.where('d.status', '=', args.status)
      return pageById(scoped as never, 'd.id', args, wantsTotalCount(info, 'WebhookDelivery')) as never
    },
  }),
)

builder.mutationFields((t) => ({
  redeliverWebhook: t.field({
    type: DeliveryRef,
    description: 'Sends a delivery again, with the same `webhook-id`, as a new delivery (after any still pending for its record). Admins only.',
    args: { input: t.arg({ type: builder.inputType('RedeliverWebhookInput', { fields: (f) => ({ deliveryId: f.id({ required: true }) }) }), required: true }) },
    authScopes: { admin: true },
    resolve: async (_root, { input }, context) => {
      const id = idOfType(input.deliveryId, 'WebhookDelivery', 'input.deliveryId')
      const created = await inTransaction(context, async (trx, principal) => {
        const { rows } = await sql<{ id: string }>`
          insert into webhook_deliveries (business_id, endpoint_id, event_id, message_id, record_key)
          select business_id, endpoint_id, event_id, message_id, record_key from webhook_deliveries
          where business_id = ${principal.businessId} and id = ${id}
          returning id`.execute(trx)
        if (!rows[0]) throw notFound('WebhookDelivery', 'input.deliveryId')
        await announceDue(trx)
        await auditRequestChange(trx, context, 'webhook.redeliver', { type: 'WebhookDelivery', id }, { newDeliveryId: String(rows[0].id) })
        return deliveries(trx, principal).where('d.id', '=', String(rows[0].id)).executeTakeFirstOrThrow()
      })
      context.services.webhooks?.wake()
      return created
    },
  }),

  replayWebhooks: t.field({
    type: 'Int',
    description:
      `Sends again every event the endpoint was sent (or was due to be sent) since \`since\`, oldest first, each with its first \`webhook-id\`; ` +
      `answers how many were queued (at most ${REPLAY_MAX}: a wider window is BAD_USER_INPUT). Admins only.`,
    args: {
      input: t.arg({
        type: builder.inputType('ReplayWebhooksInput', { fields: (f) => ({ endpointId: f.id({ required: true }), since: f.field({ type: 'DateTime', required: true }) }) }),
        required: true,
      }),
    },
    authScopes: { admin: true },
    resolve: async (_root, { input }, context) => {
      const endpointId = idOfType(input.endpointId, 'WebhookEndpoint', 'input.endpointId')
      const queued = await inTransaction(context, async (trx, principal) => {
        const endpoint = await trx.selectFrom('webhook_endpoints').select('id').where('business_id', '=', principal.businessId).where('id', '=', endpointId).forUpdate().executeTakeFirst()
        if (!endpoint) throw notFound('WebhookEndpoint', 'input.endpointId')
        const { rows } = await sql<{ queued: number }>`
          with replayed as (
            insert into webhook_deliveries (business_id, endpoint_id, event_id, message_id, record_key)
            select distinct on (d.event_id) d.business_id, d.endpoint_id, d.event_id, d.message_id, d.record_key
            from webhook_deliveries d join webhook_events ev on ev.business_id = d.business_id and ev.id = d.event_id
            where d.business_id = ${principal.businessId} and d.endpoint_id = ${endpointId} and ev.occurred_at >= ${input.since}
            order by d.event_id, d.id
            returning 1)
          select count(*)::int as queued from replayed`.execute(trx)
        const count = Number(rows[0]?.queued ?? 0)
        // Rolled back with the transaction: nothing is queued.
        if (count > REPLAY_MAX) throw badInput(`since: ${count} events since then; replay at most ${REPLAY_MAX} at once (choose a later time).`, 'input.since')
        if (count > 0) await announceDue(trx)
        await auditRequestChange(trx, context, 'webhook.replay', { type: 'WebhookEndpoint', id: endpointId }, { since: input.since, queued: count })
        return count
      })
      if (queued > 0) context.services.webhooks?.wake()
      return queued
    },
  }),
}))
