import { type Kysely, sql } from 'kysely'
import type { Database } from '../../db/types.js'
import type { Resource } from '../resource.js'

/**
 * The next number of a numbered resource (jobs, orders) in a business. The counter row is locked until the
 * transaction ends, so concurrent creates queue on it and numbers come out unique and without
 * gaps (a rolled-back create gives its number back). A business seeded without a counter starts
 * after its highest existing number.
 */
export async function nextNumber(trx: Kysely<Database>, businessId: string, resource: Resource): Promise<number> {
  if (!resource.numbered) throw new Error(`${resource.typeName} records carry no number`)
  const { table } = resource
  const { rows } = await sql<{ last_value: string }>`
    insert into business_counters (business_id, name, last_value)
    values (${businessId}, ${table}, (select coalesce(max(number), 0) + 1 from ${sql.table(table)} where business_id = ${businessId}))
    on conflict (business_id, name) do update set last_value = business_counters.last_value + 1
    returning last_value`.execute(trx)
  return Number(rows[0]!.last_value)
}
