import { type Kysely, sql } from 'kysely'

/**
 * The delivery queue's read of PENDING rows as a function that plans with index scans only
 * (src/webhooks/deliveries.repository.ts claims and finds the next due time through it), and one
 * index fewer on the write path.
 *
 * - `webhook_pending()`: every PENDING delivery to an active endpoint, numbered within its record
 *   and endpoint (nth 1: the head; the per-record ordering rule) with their count. An inactive
 *   endpoint's backlog is left out before the numbering, which is per endpoint.
 *
 *   Why index scans only: a delivery leaves PENDING by an update, and its entry stays in the
 *   PENDING-by-record index until VACUUM removes it. A bitmap scan, which the planner picks for
 *   so small a set (and always on stale statistics), reads the table row behind every such entry
 *   on every claim: on a PostgreSQL without autovacuum a claim cost 1.9 ms after 4,000 deliveries
 *   and kept growing, and with autovacuum on, a table mostly made of delivered history reaches
 *   its dead-row threshold late. A plain index scan marks an entry whose row no transaction can
 *   see any more as dead in the index, so later scans skip it and inserts reuse its space: the
 *   read costs what is pending, not what was delivered.
 *
 *   Why a function: its own settings (`set enable_bitmapscan = off`) hold for the statement it
 *   runs and nothing else, with no statement more per claim; PL/pgSQL keeps the plan for the
 *   session, where a SQL function would plan its body again at every call.
 * - `webhook_deliveries_pending` (by due time) goes: no statement has read it since the claim
 *   numbers the PENDING rows, yet every event added an entry to it in the writing transaction.
 * - The deliveries table is vacuumed and analyzed by autovacuum every 1,000 changed rows, not at a
 *   fifth of the table: it is a queue over a growing history, where a fifth comes late, and the
 *   claim's plans need statistics that know the table is no longer empty.
 *
 * Frozen: never edit this file once landed; add a new migration instead.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function webhook_pending()
    returns table (business_id bigint, id bigint, endpoint_id bigint, record_key text,
                   next_attempt_at timestamptz, claimed_until timestamptz, nth bigint, queued bigint)
    language plpgsql stable
    set enable_seqscan = off
    set enable_bitmapscan = off
    rows 10
    as $$
    #variable_conflict use_column
    begin
      return query
      select c.business_id, c.id, c.endpoint_id, c.record_key, c.next_attempt_at, c.claimed_until,
        row_number() over (partition by c.business_id, c.endpoint_id, c.record_key order by c.id),
        count(*) over (partition by c.business_id, c.endpoint_id, c.record_key)
      from webhook_deliveries c
      where c.status = 'PENDING'
        and exists (select 1 from webhook_endpoints w where w.business_id = c.business_id and w.id = c.endpoint_id and w.active);
    end
    $$`.execute(db)
  await sql`drop index webhook_deliveries_pending`.execute(db)
  await sql`
    alter table webhook_deliveries set (
      autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
      autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table webhook_deliveries reset (
      autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor, autovacuum_analyze_threshold)`.execute(db)
  await sql`create index webhook_deliveries_pending on webhook_deliveries (next_attempt_at) where status = 'PENDING'`.execute(db)
  await sql`drop function webhook_pending()`.execute(db)
}
