import { type Kysely, sql } from 'kysely'
import type { Principal } from '../../access/principal.js'
import type { Database } from '../../db/types.js'
import type { Resource } from '../resource.js'

/**
 * The transactional outbox of webhooks: every record write appends its event here, in the write's
 * own transaction, with one delivery row per active endpoint of the business subscribed to the
 * event's type (an event nobody subscribed to is not kept). A rolled-back write leaves neither; a committed one cannot lose them. Delivering
 * is the job of the loop in src/webhooks/, after commit.
 *
 * The event is thin (type, record, version, time): what the record holds is read by the endpoint's
 * member through the API, under its own security role (docs/webhooks.md says why).
 */

/** The channel that wakes delivery loops of other instances (NOTIFY is sent at commit, never on rollback). */
export const WEBHOOK_CHANNEL = 'gatehouse_webhooks'

/**
 * Announces, at commit, that deliveries became due without a record write (an endpoint switched
 * on again, a redelivery, a replay), so the loops of instances that did not make the change wake.
 */
export async function announceDue(trx: Kysely<Database>): Promise<void> {
  await sql`select pg_notify(${WEBHOOK_CHANNEL}, '')`.execute(trx)
}

export type RecordAction = 'created' | 'updated' | 'deleted'

/** `SalesOrder` → `sales_order`: the prefix of a record type's event names. */
export function eventPrefix(typeName: string): string {
  return typeName.replace(/[A-Z]/g, (letter, index: number) => (index === 0 ? '' : '_') + letter.toLowerCase())
}

/**
 * Appends `<type>.<action>` for one record, at the version the transaction leaves it, and queues
 * its deliveries. Returns how many deliveries it queued (0: nobody listens).
 */
export async function appendEvent(
  trx: Kysely<Database>,
  principal: Principal,
  resource: Resource,
  recordId: string,
  action: RecordAction,
): Promise<number> {
  const type = `${eventPrefix(resource.typeName)}.${action}`
  // No subscribed endpoint, no event: a business without webhooks pays one index probe per write.
  const { rows } = await sql<{ queued: number }>`
    with endpoint as (
      select id from webhook_endpoints
      where business_id = ${principal.businessId} and active and ${type} = any(events)
    ), event as (
      insert into webhook_events (business_id, type, record_type, record_id, version)
      select business_id, ${type}, ${resource.typeName}, id, version
      from ${sql.table(resource.table)}
      where business_id = ${principal.businessId} and id = ${recordId} and exists (select 1 from endpoint)
      returning business_id, id, record_type, record_id
    ), queued as (
      insert into webhook_deliveries (business_id, endpoint_id, event_id, message_id, record_key)
      select event.business_id, endpoint.id, event.id, 'msg_' || replace(gen_random_uuid()::text, '-', ''),
             event.record_type || ':' || event.record_id
      from event cross join endpoint
      returning 1
    )
    -- NOTIFY in the same statement, once per queued row: PostgreSQL folds identical notifications
    -- of one transaction into one, sent at commit; none when nothing was queued.
    select count(*)::int as queued from queued, lateral (select pg_notify(${WEBHOOK_CHANNEL}, '')) as notified`.execute(trx)
  return Number(rows[0]?.queued ?? 0)
}
