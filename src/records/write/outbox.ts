import { type Kysely, type RawBuilder, sql } from 'kysely'
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
 * its deliveries. Returns how many deliveries it queued (0: nobody listens). No NOTIFY: the
 * webhook service takes them after commit, by its own loop or an announcement gathered with other
 * writes' (src/records/write/mutations.ts).
 */
export function appendEvent(
  trx: Kysely<Database>,
  principal: Principal,
  resource: Resource,
  recordId: string,
  action: RecordAction,
): Promise<number> {
  const type = `${eventPrefix(resource.typeName)}.${action}`
  return queueEvent(trx, principal.businessId, type, sql`
    select business_id, ${type} as type, ${resource.typeName} as record_type, id as record_id, version
    from ${sql.table(resource.table)} where business_id = ${principal.businessId} and id = ${recordId}`, { announce: false })
}

/**
 * Events about the business's own credentials, for its security tooling: opt-in (an endpoint
 * hears of them only when it names them) and thin (the key's or member's id, nothing else).
 */
export const SECURITY_EVENTS = ['api_key.created', 'api_key.regenerated', 'api_key.revoked', 'api_member.created', 'api_member.updated'] as const
export type SecurityEvent = (typeof SECURITY_EVENTS)[number]
/** The node types security events are about: a delivery of one is not filtered by the endpoint's member's role. */
export const SECURITY_SUBJECTS: ReadonlySet<string> = new Set(['ApiKey', 'ApiMember'])

/**
 * Appends a security event in the admin change's own transaction (an ApiKey's for `api_key.*`, an
 * ApiMember's for `api_member.*`). Returns how many deliveries it queued.
 */
export function appendSecurityEvent(trx: Kysely<Database>, businessId: string, type: SecurityEvent, subjectId: string): Promise<number> {
  const subject = type.startsWith('api_key.') ? 'ApiKey' : 'ApiMember'
  // Credentials have no version: 0 (the payload of a security event carries none).
  return queueEvent(trx, businessId, type, sql`
    select ${businessId}::bigint as business_id, ${type} as type, ${subject} as record_type, ${subjectId}::bigint as record_id, 0 as version`, { announce: true })
}

/**
 * Stores the event `source` selects, with one delivery per active endpoint subscribed to `type`
 * (only those of `onlyMember` when given: an export's own principal), and when `announce`, tells
 * the loops of every instance at commit (NOTIFY).
 */
async function queueEvent(
  trx: Kysely<Database>,
  businessId: string,
  type: string,
  source: RawBuilder<unknown>,
  options: { announce: boolean; onlyMember?: string },
): Promise<number> {
  const { announce, onlyMember } = options
  // No subscribed endpoint, no event: a business without webhooks pays one index probe per write.
  const { rows } = await sql<{ queued: number }>`
    with endpoint as (
      select id from webhook_endpoints
      where business_id = ${businessId} and active and ${type} = any(events)${onlyMember === undefined ? sql`` : sql` and member_id = ${onlyMember}`}
    ), event as (
      insert into webhook_events (business_id, type, record_type, record_id, version)
      select source.business_id, source.type, source.record_type, source.record_id, source.version
      from (${source}) as source where exists (select 1 from endpoint)
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
    select count(*)::int as queued from queued${announce ? sql`, lateral (select pg_notify(${WEBHOOK_CHANNEL}, '')) as notified` : sql``}`.execute(trx)
  return Number(rows[0]?.queued ?? 0)
}

/**
 * Bulk exports are announced through the same outbox, though they are not records: the event's
 * record is the export (type BulkExport, version 1), and only endpoints whose member started it
 * hear of it (an export is its principal's alone). Queued in the transaction that ends the export.
 */
export const BULK_EXPORT_EVENT = 'bulk_export.finished'
export const BULK_EXPORT_TYPE = 'BulkExport'

/** Appends `bulk_export.finished` for one export; returns how many deliveries it queued. */
export function appendExportFinished(trx: Kysely<Database>, businessId: string, principalId: string, exportId: string): Promise<number> {
  return queueEvent(trx, businessId, BULK_EXPORT_EVENT, sql`
    select ${businessId}::bigint as business_id, ${BULK_EXPORT_EVENT} as type, ${BULK_EXPORT_TYPE} as record_type,
           ${exportId}::bigint as record_id, 1 as version`, { announce: true, onlyMember: principalId })
}
