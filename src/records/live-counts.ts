import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'

/**
 * Folding of the maintained live-row counts (migrations …_live_row_counts.ts): every write adds a
 * delta row, and a count sums its business's deltas, so they are folded into one row per business
 * and table now and then to keep that sum a handful of rows. A fold deletes the deltas it took and
 * inserts their sum in one statement, so every snapshot sees either the deltas or their sum, never
 * both or neither. Rows another instance is folding are skipped (SKIP LOCKED), never waited for.
 */

/** Deltas a business and table may gather before a fold takes them. */
const FOLD_ABOVE = 8
/** Rows one fold statement takes at most; a fold repeats while it takes that many. */
const FOLD_BATCH = 10_000
const FOLD_EVERY_MS = 30_000

/** Folds the deltas of every business and table that has gathered more than a few; returns how many were folded. */
export async function foldLiveCounts(db: Kysely<any>): Promise<number> {
  let folded = 0
  for (;;) {
    const result = await sql<{ taken: number }>`
      with doomed as (
        select ctid from live_row_counts
        where (business_id, table_name) in (
          select business_id, table_name from live_row_counts group by business_id, table_name having count(*) > ${FOLD_ABOVE}
        )
        limit ${FOLD_BATCH}
        for update skip locked
      ), gone as (
        delete from live_row_counts as counts using doomed where counts.ctid = doomed.ctid
        returning counts.business_id, counts.table_name, counts.delta
      ), folded as (
        insert into live_row_counts (business_id, table_name, delta)
        select business_id, table_name, sum(delta) from gone group by business_id, table_name
      )
      select count(*)::int as taken from gone`.execute(db)
    const taken = result.rows[0]?.taken ?? 0
    folded += taken
    if (taken < FOLD_BATCH) return folded
  }
}

/** Folds in the background while the process runs; a failed fold is logged and tried again later. */
export function startLiveCountFolding(db: Kysely<any>, log: Logger, everyMs = FOLD_EVERY_MS): { close(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    running = foldLiveCounts(db).catch((error: unknown) => log.warn({ err: error }, 'could not fold the live-row counts; trying again later'))
  }, everyMs).unref()
  return {
    async close() {
      clearInterval(timer)
      await running
    },
  }
}
