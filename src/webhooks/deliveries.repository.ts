import { type Kysely, sql } from 'kysely'
import { type PrincipalRow, principalRows } from '../access/credentials/load-principal.js'
import type { Database } from '../db/types.js'

/**
 * The delivery loop's SQL. A delivery is due when it is PENDING, its time has come, no live claim
 * holds it, its endpoint is active, and it is the head of its record's PENDING deliveries to that
 * endpoint (the per-record ordering rule: the next event of a record goes out only once the one
 * before it was delivered or given up, so one record never has two in flight). Claims are
 * `FOR UPDATE SKIP LOCKED` and leased: instances never claim the same row at once, and a lease that
 * ran out (its instance died mid-delivery) makes the row due again.
 *
 * Both statements read the PENDING rows through `webhook_pending()`, a database function
 * (migrations/2026-12-07T20-00-00_webhook_pending_function.ts) that numbers them per record and
 * endpoint (nth 1: the head) and reads them by index scan only, whatever the table's statistics
 * say: a claim costs what is pending, not the endpoints' history. Looking for an earlier PENDING
 * row per candidate once walked an endpoint's whole history (500 ms a claim at 50,000
 * deliveries), and bitmap scans re-read the stale index entry of every delivered row
 * (docs/webhooks.md).
 */

/** A claimed delivery with all it takes to make it: the endpoint, the event and the endpoint's member. */
export interface ClaimedDelivery {
  business_id: string
  id: string
  /** This attempt's number (the claim counted it). */
  attempts: number
  endpoint_id: string
  message_id: string
  url: string
  secret: string
  previous_secret: string | null
  previous_secret_expires_at: Date | string | null
  member_id: string
  failing_since: Date | string | null
  type: string
  record_type: string
  record_id: string
  version: number
  occurred_at: Date | string
  /** The endpoint's member as principalRows reads it (JSON); null when it no longer exists. */
  member: PrincipalRow | null
  /** A later event of the same record waits for this one: claim again once it is recorded. */
  has_successor: boolean
}

/**
 * Claims, in one statement, up to `limit` due deliveries, at most `claimedPerEndpoint` claimed per
 * endpoint (live claims of every instance count), for `leaseSeconds`, counting the attempt about
 * to be made, and returns each with its endpoint, event and member. The lock is taken where the
 * claim's conditions are written, so a row another instance claimed meanwhile is re-checked and
 * skipped. The claimant makes an endpoint's deliveries a few at a time, starts none after a short
 * window and gives back the rest (deliver.ts): the lease covers that window, an attempt's deadline
 * and a margin.
 */
export async function claimDue(db: Kysely<Database>, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const { rows } = await claimStatement(db, options).execute(db)
  return rows
}

export interface ClaimOptions {
  limit: number
  claimedPerEndpoint: number
  leaseSeconds: number
}

function claimStatement(db: Kysely<Database>, options: ClaimOptions) {
  // Correlated with the endpoint of the outer statement (e), which kysely does not know of here.
  const member = principalRows(db).where('p.business_id', '=', sql<string>`e.business_id`).where('p.id', '=', sql<string>`e.member_id`)
  return sql<ClaimedDelivery>`
    with pending as (
      select * from webhook_pending()
    ), live as (
      select business_id, endpoint_id, count(*)::int as n from pending
      where claimed_until >= now()
      group by business_id, endpoint_id
    ), ranked as (
      select h.business_id, h.id, h.endpoint_id, h.record_key, h.queued > 1 as has_successor,
        row_number() over (partition by h.business_id, h.endpoint_id order by h.id) as nth_claimed, coalesce(live.n, 0) as live
      from pending h
      left join live on live.business_id = h.business_id and live.endpoint_id = h.endpoint_id
      where h.nth = 1 and h.next_attempt_at <= now() and (h.claimed_until is null or h.claimed_until < now())
    ), picked as (
      select d.business_id, d.id, d.endpoint_id, d.event_id, r.has_successor from webhook_deliveries d
      -- Every column of the PENDING-by-record index: an exact probe, whichever index is used.
      join ranked r on r.business_id = d.business_id and r.endpoint_id = d.endpoint_id and r.record_key = d.record_key and r.id = d.id
      where r.nth_claimed + r.live <= ${options.claimedPerEndpoint}
        and d.status = 'PENDING' and (d.claimed_until is null or d.claimed_until < now())
      order by d.id
      limit ${options.limit}
      for update of d skip locked
    )
    -- Each lookup is its own small subquery (limit 1 keeps PostgreSQL from folding them into one
    -- join of seven tables): planning that join cost more than running the whole claim, and a
    -- lookup by primary key is what each of them is.
    update webhook_deliveries d
    set claimed_until = now() + make_interval(secs => ${options.leaseSeconds}), attempts = d.attempts + 1
    from picked
    cross join lateral (
      select * from webhook_endpoints e where e.business_id = picked.business_id and e.id = picked.endpoint_id limit 1) e
    cross join lateral (
      select * from webhook_events ev where ev.business_id = picked.business_id and ev.id = picked.event_id limit 1) ev
    left join lateral (select to_jsonb(m) as member from (${member}) m limit 1) m on true
    where d.business_id = picked.business_id and d.id = picked.id
    returning d.business_id::text, d.id::text, d.attempts, d.endpoint_id::text, d.message_id,
      e.url, e.secret, e.previous_secret, e.previous_secret_expires_at, e.member_id::text, e.failing_since,
      ev.type, ev.record_type, ev.record_id::text, ev.version, ev.occurred_at, m.member, picked.has_successor`
}

/** When the next delivery becomes due (a retry's time, or a lease running out); null when none waits. */
export async function nextDueAt(db: Kysely<Database>): Promise<Date | null> {
  const { rows } = await sql<{ due: Date | string | null }>`
    select min(greatest(h.next_attempt_at, coalesce(h.claimed_until, h.next_attempt_at))) as due
    from webhook_pending() h where h.nth = 1`.execute(db)
  const due = rows[0]?.due
  return due ? new Date(due) : null
}

export interface Outcome {
  delivery: Pick<ClaimedDelivery, 'business_id' | 'id'>
  status: 'DELIVERED' | 'PENDING' | 'DEAD' | 'SKIPPED'
  attempt: number
  responseStatus: number | null
  /** Null when no request was made (SKIPPED): then no attempt is recorded. */
  latencyMs: number | null
  error: string | null
  /** For PENDING: when to try again. */
  retryAt?: Date
}

/**
 * Records the outcomes of a round's attempts on their deliveries, and in the attempt history where
 * a request was made, in one statement. A delivery deleted while its attempt ran (its endpoint was
 * deleted) records nothing.
 */
export async function recordOutcomes(db: Kysely<Database>, outcomes: readonly Outcome[]): Promise<void> {
  if (outcomes.length === 0) return
  const values = sql.join(outcomes.map((o) => sql`(
    ${o.delivery.business_id}::bigint, ${o.delivery.id}::bigint, ${o.status}::text, ${o.retryAt ?? null}::timestamptz,
    ${o.attempt}::int, ${o.responseStatus}::int, ${o.latencyMs}::int, ${o.error}::text)`))
  await sql`
    with outcome (business_id, id, status, retry_at, attempt, response_status, latency_ms, error) as (values ${values}),
    updated as (
      update webhook_deliveries d set
        status = o.status,
        claimed_until = null,
        next_attempt_at = coalesce(o.retry_at, d.next_attempt_at),
        last_attempt_at = now(),
        last_response_status = o.response_status,
        last_latency_ms = o.latency_ms,
        last_error = o.error,
        delivered_at = case when o.status = 'DELIVERED' then now() end
      from outcome o
      where d.business_id = o.business_id and d.id = o.id
      returning o.business_id, o.id, o.attempt, o.response_status, o.latency_ms, o.error)
    insert into webhook_attempts (business_id, delivery_id, attempt, response_status, latency_ms, error)
    select business_id, id, attempt, response_status, latency_ms, error
    from updated where latency_ms is not null
    on conflict (business_id, delivery_id, attempt) do nothing`.execute(db)
}

/**
 * Gives back claimed deliveries no attempt was made for (their round stopped starting attempts):
 * due again at once, the claim lifted and the attempt it counted taken back. Only while the claim
 * is still this one (the attempt count it set): a row whose lease ran out and that another round
 * claimed since is left to that round.
 */
export async function releaseClaims(db: Kysely<Database>, deliveries: readonly Pick<ClaimedDelivery, 'business_id' | 'id' | 'attempts'>[]): Promise<void> {
  if (deliveries.length === 0) return
  const keys = sql.join(deliveries.map((one) => sql`(${one.business_id}::bigint, ${one.id}::bigint, ${one.attempts}::int)`))
  await sql`
    update webhook_deliveries d set attempts = d.attempts - 1, claimed_until = null
    from (values ${keys}) as released (business_id, id, attempts)
    where d.business_id = released.business_id and d.id = released.id and d.attempts = released.attempts and d.status = 'PENDING'`.execute(db)
}
