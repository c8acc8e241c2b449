import { type Kysely, sql } from 'kysely'
import type { Database } from '../db/types.js'

/**
 * The delivery loop's SQL. A delivery is due when it is PENDING, its time has come, no live claim
 * holds it, its endpoint is active, and no earlier PENDING delivery of the same record to the same
 * endpoint is waiting (the per-record ordering rule: the next event of a record goes out only once
 * the one before it was delivered or given up). Claims are `FOR UPDATE SKIP LOCKED` and leased:
 * instances never claim the same row at once, and a lease that ran out (its instance died
 * mid-delivery) makes the row due again.
 */

const dueHead = sql`
  c.status = 'PENDING'
  and exists (select 1 from webhook_endpoints w where w.business_id = c.business_id and w.id = c.endpoint_id and w.active)
  and not exists (
    select 1 from webhook_deliveries p
    where p.business_id = c.business_id and p.endpoint_id = c.endpoint_id and p.record_key = c.record_key
      and p.status = 'PENDING' and p.id < c.id)`

export interface ClaimedDelivery {
  business_id: string
  id: string
  attempts: number
}

/** Claims up to `limit` due deliveries for `leaseSeconds`, counting the attempt about to be made. */
export async function claimDue(db: Kysely<Database>, limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
  const { rows } = await sql<ClaimedDelivery>`
    update webhook_deliveries d
    set claimed_until = now() + make_interval(secs => ${leaseSeconds}), attempts = d.attempts + 1
    where (d.business_id, d.id) in (
      select c.business_id, c.id from webhook_deliveries c
      where ${dueHead} and c.next_attempt_at <= now() and (c.claimed_until is null or c.claimed_until < now())
      order by c.id
      limit ${limit}
      for update skip locked)
    returning d.business_id, d.id, d.attempts`.execute(db)
  return rows.map((row) => ({ ...row, business_id: String(row.business_id), id: String(row.id), attempts: Number(row.attempts) }))
}

/** When the next delivery becomes due (a retry's time, or a lease running out); null when none waits. */
export async function nextDueAt(db: Kysely<Database>): Promise<Date | null> {
  const { rows } = await sql<{ due: Date | string | null }>`
    select min(greatest(c.next_attempt_at, coalesce(c.claimed_until, c.next_attempt_at))) as due
    from webhook_deliveries c where ${dueHead}`.execute(db)
  const due = rows[0]?.due
  return due ? new Date(due) : null
}

/** What one claimed delivery sends, and to whom. */
export async function loadDelivery(db: Kysely<Database>, claimed: ClaimedDelivery) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', (join) => join.onRef('e.business_id', '=', 'd.business_id').onRef('e.id', '=', 'd.endpoint_id'))
    .innerJoin('webhook_events as ev', (join) => join.onRef('ev.business_id', '=', 'd.business_id').onRef('ev.id', '=', 'd.event_id'))
    .select([
      'd.business_id', 'd.id', 'd.endpoint_id', 'd.message_id', 'e.url', 'e.secret', 'e.previous_secret', 'e.previous_secret_expires_at',
      'e.member_id', 'e.failing_since', 'ev.type', 'ev.record_type', 'ev.record_id', 'ev.version', 'ev.occurred_at',
    ])
    .where('d.business_id', '=', claimed.business_id)
    .where('d.id', '=', claimed.id)
    .executeTakeFirst()
}
export type LoadedDelivery = NonNullable<Awaited<ReturnType<typeof loadDelivery>>>

export interface Outcome {
  status: 'DELIVERED' | 'PENDING' | 'DEAD' | 'SKIPPED'
  attempt: number
  responseStatus: number | null
  latencyMs: number | null
  error: string | null
  /** For PENDING: when to try again. */
  retryAt?: Date
}

/**
 * Records an attempt's outcome on the delivery, and in its attempt history when a request was
 * made, in one statement: the usual outcome (a success of a healthy endpoint) needs no transaction.
 * A delivery deleted while the attempt ran (its endpoint was deleted) records nothing.
 */
export async function recordOutcome(db: Kysely<Database>, delivery: LoadedDelivery, outcome: Outcome): Promise<void> {
  await sql`
    with updated as (
      update webhook_deliveries set
        status = ${outcome.status},
        claimed_until = null,
        next_attempt_at = coalesce(${outcome.retryAt ?? null}::timestamptz, next_attempt_at),
        last_attempt_at = now(),
        last_response_status = ${outcome.responseStatus}::int,
        last_latency_ms = ${outcome.latencyMs}::int,
        last_error = ${outcome.error}::text,
        delivered_at = case when ${outcome.status} = 'DELIVERED' then now() end
      where business_id = ${delivery.business_id} and id = ${delivery.id}
      returning business_id, id)
    insert into webhook_attempts (business_id, delivery_id, attempt, response_status, latency_ms, error)
    select business_id, id, ${outcome.attempt}, ${outcome.responseStatus}::int, ${outcome.latencyMs}::int, ${outcome.error}::text
    from updated where ${outcome.latencyMs}::int is not null
    on conflict (business_id, delivery_id, attempt) do nothing`.execute(db)
}
