import type { Kysely } from 'kysely'
import { toPrincipal } from '../access/credentials/load-principal.js'
import { levelOf } from '../access/permissions.js'
import type { Principal } from '../access/principal.js'
import type { Database } from '../db/types.js'
import type { Resource } from '../records/resource.js'
import { BULK_EXPORT_TYPE, SECURITY_SUBJECTS } from '../records/write/outbox.js'
import { ownerCondition } from '../records/row-scope.js'
import type { ClaimedDelivery } from './deliveries.repository.js'

/**
 * Why each endpoint's member may not see its delivery's record (by delivery id; absent: it may),
 * decided at send time, so a role narrowed after the write applies to deliveries still waiting.
 * The member and its role came with the claim (read into a Principal once per member and round);
 * the owner rule (MY, MINE) is one statement per record type and member in the round, and none at
 * ALL (every record of the business, the endpoint's own, tombstones included: a delete is news to
 * whoever could read the record); the round's exports are one statement whatever their number.
 */
export async function readRefusals(
  db: Kysely<Database>,
  resources: ReadonlyMap<string, Resource>,
  claimed: readonly ClaimedDelivery[],
): Promise<Map<string, string>> {
  const refusals = new Map<string, string>()
  const ownerChecks = new Map<string, { resource: Resource; member: Principal; level: 'MY' | 'MINE'; deliveries: ClaimedDelivery[] }>()
  const exports: ClaimedDelivery[] = []
  // The claim brings the member with each delivery; a round's deliveries share a few endpoints.
  const members = new Map<string, Principal | null>()
  for (const delivery of claimed) {
    // Security events are about the business's credentials, subscribed to by an admin, and carry
    // ids only: no record for the member's role to filter.
    if (SECURITY_SUBJECTS.has(delivery.record_type)) continue
    if (delivery.record_type === BULK_EXPORT_TYPE) {
      exports.push(delivery)
      continue
    }
    const resource = resources.get(delivery.record_type)
    if (!resource) {
      refusals.set(delivery.id, `unknown record type ${delivery.record_type}`)
      continue
    }
    const memberKey = `${delivery.business_id}:${delivery.member_id}`
    if (!members.has(memberKey)) {
      // The member reads as itself; no credential is involved (nothing here is a request).
      members.set(memberKey, delivery.member && toPrincipal(delivery.member, { kind: 'session', sessionId: '0' }))
    }
    const member = members.get(memberKey)
    if (!member) {
      refusals.set(delivery.id, "the endpoint's member is deactivated")
      continue
    }
    const level = levelOf(member.permissions, resource.module, 'INQUIRE')
    if (level === 'NONE') refusals.set(delivery.id, `the endpoint's member may not inquire ${resource.module}`)
    else if (level !== 'ALL' && resource.ownership.kind !== 'none') {
      const key = `${resource.typeName}:${member.businessId}:${member.id}`
      const check = ownerChecks.get(key) ?? { resource, member, level, deliveries: [] }
      check.deliveries.push(delivery)
      ownerChecks.set(key, check)
    }
  }
  for (const { resource, member, level, deliveries } of ownerChecks.values()) {
    const readable = await (db as Kysely<any>)
      .selectFrom(`${resource.table} as target`)
      .select('target.id')
      .where('target.business_id', '=', member.businessId)
      .where('target.id', 'in', deliveries.map((delivery) => delivery.record_id))
      .where((eb) => ownerCondition(eb, resource, member, level, 'target'))
      .execute()
    const seen = new Set(readable.map((row: { id: unknown }) => String(row.id)))
    for (const delivery of deliveries) {
      if (!seen.has(delivery.record_id)) refusals.set(delivery.id, "the record is outside the endpoint's member's scope")
    }
  }
  for (const delivery of await exportRefusals(db, exports)) {
    refusals.set(delivery.id, "the export is not the endpoint's member's, or that member is deactivated")
  }
  return refusals
}

/** The export deliveries refused: an export is heard of only by its own principal, while that principal is active. */
async function exportRefusals(db: Kysely<Database>, deliveries: readonly ClaimedDelivery[]): Promise<ClaimedDelivery[]> {
  if (deliveries.length === 0) return []
  const key = (businessId: unknown, exportId: unknown, principalId: unknown) => `${businessId}:${exportId}:${principalId}`
  const own = await db.selectFrom('bulk_exports as x')
    .innerJoin('principals as p', (join) => join.onRef('p.business_id', '=', 'x.business_id').onRef('p.id', '=', 'x.principal_id'))
    .select(['x.business_id', 'x.id', 'x.principal_id'])
    .where((eb) => eb.or(deliveries.map((delivery) => eb.and([
      eb('x.business_id', '=', delivery.business_id), eb('x.id', '=', delivery.record_id), eb('x.principal_id', '=', delivery.member_id),
    ]))))
    .where('p.active', '=', true)
    .execute()
  const owned = new Set(own.map((row) => key(row.business_id, row.id, row.principal_id)))
  return deliveries.filter((delivery) => !owned.has(key(delivery.business_id, delivery.record_id, delivery.member_id)))
}
