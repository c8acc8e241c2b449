import { type Kysely, sql } from 'kysely'
import type { Database } from '../../db/types.js'
import { pageOf } from '../../records/read/compile.js'
import { type ConnectionArgs, pageRequest } from '../../records/read/pagination.js'
import { type ConnectionValue, toConnection } from '../../records/read/relations.js'
import { SYNC_KEY } from '../../records/read/statement.js'
import type { Principal } from '../../access/principal.js'

export interface AuditEventFilter {
  action?: string | null
  since?: Date | null
}

/**
 * One page of the business's audit log, newest first, keyset-paginated on (occurred_at, id) —
 * the audit_events_time index — never OFFSET. The cursor carries occurred_at as PostgreSQL prints
 * it (microseconds; a JavaScript Date would round them away and skip or repeat rows). It reuses the
 * record lists' (updatedAt, id) cursor form, hence SYNC_KEY on each row.
 */
type ScopedEvents = ReturnType<typeof eventsOf>
const eventsOf = (db: Kysely<Database>, principal: Principal) =>
  db.selectFrom('audit_events as e').where('e.business_id', '=', principal.businessId)

/** An event row as the AuditEvent type reads it: with its actor's name and kind, and its cursor time. */
const withActor = (events: ScopedEvents) =>
  events
    .leftJoin('principals as actor', (join) => join.onRef('actor.business_id', '=', 'e.business_id').onRef('actor.id', '=', 'e.actor_id'))
    .selectAll('e')
    .select(['actor.name as actor_name', 'actor.kind as actor_kind', sql<string>`e.occurred_at::text`.as(SYNC_KEY)])

/** Events of the business by id (`node` / `nodes`); ids it does not hold are absent. */
export async function loadAuditEvents(db: Kysely<Database>, principal: Principal, ids: readonly string[]) {
  if (ids.length === 0) return new Map()
  const rows = await withActor(eventsOf(db, principal)).where('e.id', 'in', [...ids]).execute()
  return new Map(rows.map((row) => [row.id, row]))
}

export async function listAuditEvents(
  db: Kysely<Database>,
  principal: Principal,
  args: ConnectionArgs & { filter?: AuditEventFilter | null },
  withCount: boolean,
): Promise<ConnectionValue> {
  const page = pageRequest(args, 'sync')
  let scoped = eventsOf(db, principal)
  if (args.filter?.action) scoped = scoped.where('e.action', '=', args.filter.action)
  if (args.filter?.since) scoped = scoped.where('e.occurred_at', '>=', args.filter.since)

  const key = sql`(e.occurred_at, e.id)`
  const position = (cursor: { updatedAt?: string; id: string }) =>
    sql`(cast(${cursor.updatedAt} as timestamptz), cast(${cursor.id} as bigint))`
  // Newest first: "after" a cursor means older than it.
  let query = withActor(scoped)
  if (page.after) query = query.where(sql<boolean>`${key} < ${position(page.after)}`)
  if (page.before) query = query.where(sql<boolean>`${key} > ${position(page.before)}`)
  const direction = page.backwards ? 'asc' : 'desc'
  const rows = await query
    .orderBy('e.occurred_at', direction)
    .orderBy('e.id', direction)
    .limit(page.size + 1)
    .execute()
  const totalCount = withCount
    ? Number((await scoped.select(sql<number>`count(*)::int`.as('total')).executeTakeFirst())?.total ?? 0)
    : null
  return toConnection({ ...pageOf(rows as never[], page), totalCount, order: 'sync' })
}
