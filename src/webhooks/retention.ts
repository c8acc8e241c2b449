import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/types.js'

/**
 * Retention of the outbox: an event older than GATEHOUSE_WEBHOOK_RETENTION_SECONDS whose every
 * delivery is finished (delivered, dead or skipped) and was last tried before that cutoff is
 * deleted, with its deliveries and their attempts (the foreign keys cascade). A delivery still
 * pending (a retry, a disabled endpoint's backlog) keeps its event, whatever its age; so does a
 * recent redelivery of an old event. Tenant-first: one business at a time, in small batches, on
 * the (business_id, occurred_at) index, so no statement holds the embedded database's one session
 * for long. Rows another instance is pruning at the same moment are skipped, not waited for.
 */

const BATCH = 500

/** Deletes what the retention lets go of; returns how many events went. */
export async function pruneOutbox(db: Kysely<Database>, retentionSeconds: number): Promise<number> {
  const businesses = await db.selectFrom('businesses').select('id').execute()
  let pruned = 0
  for (const { id: businessId } of businesses) {
    for (;;) {
      const { numAffectedRows } = await sql`
        delete from webhook_events ev
        where (ev.business_id, ev.id) in (
          select e.business_id, e.id from webhook_events e
          where e.business_id = ${businessId} and e.occurred_at < now() - make_interval(secs => ${retentionSeconds})
            and not exists (
              select 1 from webhook_deliveries d
              where d.business_id = e.business_id and d.event_id = e.id
                and (d.status = 'PENDING' or coalesce(d.last_attempt_at, d.created_at) >= now() - make_interval(secs => ${retentionSeconds})))
          order by e.occurred_at
          limit ${BATCH}
          for update skip locked)`.execute(db)
      const count = Number(numAffectedRows ?? 0)
      pruned += count
      if (count < BATCH) break
    }
  }
  return pruned
}
