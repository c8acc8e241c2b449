import { type Kysely, sql } from 'kysely'
import type { Principal } from '../access/principal.js'
import type { Database, Row } from '../db/types.js'
import { pageById } from '../admin/common/admin-pages.js'
import type { ConnectionArgs } from '../records/read/pagination.js'
import type { ConnectionValue } from '../records/read/relations.js'

/** What admins read and write of webhook endpoints. The secrets are never selected here. */

export const ENDPOINT_COLUMNS = [
  'business_id', 'id', 'url', 'description', 'events', 'member_id', 'active', 'previous_secret_expires_at', 'failing_since',
  'disabled_at', 'disabled_reason', 'created_at', 'updated_at',
] as const
export type EndpointRow = Pick<Row<'webhook_endpoints'>, (typeof ENDPOINT_COLUMNS)[number]>

export function listEndpoints(db: Kysely<Database>, principal: Principal, args: ConnectionArgs, withCount: boolean): Promise<ConnectionValue> {
  const scoped = db.selectFrom('webhook_endpoints').select(ENDPOINT_COLUMNS).where('business_id', '=', principal.businessId)
  return pageById(scoped, 'webhook_endpoints.id', args, withCount)
}

export function findEndpoint(db: Kysely<Database>, principal: Principal, id: string, lock = false): Promise<EndpointRow | undefined> {
  const query = db.selectFrom('webhook_endpoints').select(ENDPOINT_COLUMNS).where('business_id', '=', principal.businessId).where('id', '=', id)
  return (lock ? query.forUpdate() : query).executeTakeFirst()
}

export function insertEndpoint(
  trx: Kysely<Database>,
  principal: Principal,
  values: { url: string; description: string; events: string[]; memberId: string; secret: string },
): Promise<EndpointRow> {
  return trx
    .insertInto('webhook_endpoints')
    .values({
      business_id: principal.businessId,
      url: values.url,
      description: values.description,
      events: values.events,
      member_id: values.memberId,
      secret: values.secret,
    })
    .returning(ENDPOINT_COLUMNS)
    .executeTakeFirstOrThrow()
}

export interface EndpointPatch {
  url?: string
  description?: string
  events?: string[]
  memberId?: string
  active?: boolean
}

export function updateEndpoint(trx: Kysely<Database>, principal: Principal, id: string, patch: EndpointPatch): Promise<EndpointRow> {
  return trx
    .updateTable('webhook_endpoints')
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.events !== undefined ? { events: patch.events } : {}),
      ...(patch.memberId !== undefined ? { member_id: patch.memberId } : {}),
      // Switched on again: the failing streak and the reason it was disabled are history.
      ...(patch.active !== undefined ? { active: patch.active } : {}),
      ...(patch.active === true ? { failing_since: null, disabled_at: null, disabled_reason: null } : {}),
      updated_at: sql`now()`,
    })
    .where('business_id', '=', principal.businessId)
    .where('id', '=', id)
    .returning(ENDPOINT_COLUMNS)
    .executeTakeFirstOrThrow()
}

/** A new secret; the one it replaces keeps signing (beside it) for `overlapSeconds`. */
export function rotateSecret(trx: Kysely<Database>, principal: Principal, id: string, secret: string, overlapSeconds: number): Promise<EndpointRow> {
  return trx
    .updateTable('webhook_endpoints')
    .set({
      previous_secret: overlapSeconds > 0 ? sql<string>`secret` : null,
      previous_secret_expires_at: overlapSeconds > 0 ? sql<Date>`now() + make_interval(secs => ${overlapSeconds})` : null,
      secret,
      updated_at: sql`now()`,
    })
    .where('business_id', '=', principal.businessId)
    .where('id', '=', id)
    .returning(ENDPOINT_COLUMNS)
    .executeTakeFirstOrThrow()
}

export async function deleteEndpoint(trx: Kysely<Database>, principal: Principal, id: string): Promise<void> {
  await trx.deleteFrom('webhook_endpoints').where('business_id', '=', principal.businessId).where('id', '=', id).execute()
}
