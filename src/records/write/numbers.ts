import { type Kysely, sql } from 'kysely'
import type { Database } from '../../db/types.js'

/** Tables whose records carry a per-business number. */
export type NumberedTable = 'jobs' | 'sales_orders' | 'purchase_orders'

/**
 * The next number for a business's jobs or orders. The counter row is locked until the
 * transaction ends, so concurrent creates queue on it and numbers come out unique and without
 * gaps (a rolled-back create gives its number back). A business seeded without a counter starts
 * after its highest existing number.
 */
export async function nextNumber(trx: Kysely<Database>, businessId: string, table: NumberedTable): Promise<number> {
  const { rows } = await sql<{ last_value: string }>`
    insert into business_counters (business_id, name, last_value)
    values (${businessId}, ${table}, (select coalesce(max(number), 0) + 1 from ${sql.table(table)} where business_id = ${businessId}))
    on conflict (business_id, name) do update set last_value = business_counters.last_value + 1
    returning last_value`.execute(trx)
  return Number(rows[0]!.last_value)
}
