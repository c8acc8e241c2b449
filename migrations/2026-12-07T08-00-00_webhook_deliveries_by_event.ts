import { type Kysely, sql } from 'kysely'

/**
 * Deliveries by event, tenant-first: pruning finished events (src/webhooks/retention.ts) asks
 * whether an event still has a delivery to keep, and the cascade from a deleted event to its
 * deliveries looks them up the same way; without it both read every delivery of the business.
 *
 * Frozen: never edit this file once landed; add a new migration instead.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index webhook_deliveries_event on webhook_deliveries (business_id, event_id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index webhook_deliveries_event`.execute(db)
}
