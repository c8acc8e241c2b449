import { type Kysely, sql } from 'kysely'
import type { Plugin } from 'graphql-yoga'
import type { Logger } from 'pino'
import type { Database } from '../db/types.js'
import { currentRequest } from './request-log.js'

/** How often counts in memory are added to the table: one statement per interval, never one per request. */
export const USAGE_FLUSH_MS = 10_000
/** Rows per statement of a flush. */
const ROWS_PER_STATEMENT = 500
const DAY_MS = 86_400_000
/** Counts kept while the database cannot take them; beyond, new keys' counts are dropped (and said). */
const MAX_PENDING = 100_000

interface Counts {
  businessId: string
  keyId: string
  day: string
  requests: number
  errors: number
  rateLimited: number
}

/** What a response was, for the key that made it. */
export type UsageOutcome = 'ok' | 'error' | 'rate_limited'

export interface KeyUsage {
  /** Counts each API-key request: answered, with errors (any error or HTTP status ≥ 400), or rate limited (429). */
  plugin: Plugin
  record(businessId: string, keyId: string, outcome: UsageOutcome, at?: Date): void
  /** Adds what was counted to the table now (tests, shutdown). */
  flush(): Promise<void>
  close(): Promise<void>
}

/**
 * Per-key daily usage (Unkey's analytics): requests, errors and rate-limited requests per API key
 * per UTC day, counted in memory and added to `api_key_usage` in batches. A failed flush keeps its
 * counts for the next one; a crash loses at most one interval's counts, which is what batching costs.
 */
export function createKeyUsage(deps: { db: Kysely<Database>; log: Logger; flushEveryMs?: number }): KeyUsage {
  let pending = new Map<string, Counts>()
  let flushing: Promise<void> | null = null
  let dropped = 0
  const hadErrors = new WeakMap<Request, boolean>()

  const add = (counts: Counts) => {
    const slot = `${counts.businessId}:${counts.keyId}:${counts.day}`
    const current = pending.get(slot)
    if (current) {
      current.requests += counts.requests
      current.errors += counts.errors
      current.rateLimited += counts.rateLimited
    } else if (pending.size < MAX_PENDING) {
      pending.set(slot, { ...counts })
    } else {
      dropped += counts.requests
    }
  }

  const write = async () => {
    const batch = [...pending.values()]
    pending = new Map()
    if (dropped > 0) {
      deps.log.warn({ dropped }, 'key usage: counts dropped while the database could not take them')
      dropped = 0
    }
    for (let start = 0; start < batch.length; start += ROWS_PER_STATEMENT) {
      const rows = batch.slice(start, start + ROWS_PER_STATEMENT)
      try {
        await deps.db
          .insertInto('api_key_usage')
          .values(rows.map((row) => ({
            business_id: row.businessId,
            key_id: row.keyId,
            day: row.day,
            requests: String(row.requests),
            errors: String(row.errors),
            rate_limited: String(row.rateLimited),
          })))
          .onConflict((conflict) => conflict.columns(['business_id', 'key_id', 'day']).doUpdateSet({
            requests: sql`api_key_usage.requests + excluded.requests`,
            errors: sql`api_key_usage.errors + excluded.errors`,
            rate_limited: sql`api_key_usage.rate_limited + excluded.rate_limited`,
          }))
          .execute()
      } catch (error) {
        // Kept for the next flush: usage is reported late rather than lost.
        for (const row of rows) add(row)
        deps.log.warn({ err: error, rows: rows.length }, 'key usage: could not write counts; keeping them for the next flush')
      }
    }
  }

  const flush = () => {
    flushing ??= write().finally(() => {
      flushing = null
    })
    return flushing
  }
  const timer = setInterval(() => void flush(), deps.flushEveryMs ?? USAGE_FLUSH_MS)
  timer.unref()

  // The UTC day of now, worked out again only when a day ends (a Date and its ISO text per request cost more than the counting).
  let today = ''
  let todayEnds = 0
  const dayOf = (at: Date | undefined) => {
    if (at) return at.toISOString().slice(0, 10)
    const now = Date.now()
    if (now >= todayEnds || now < todayEnds - DAY_MS) {
      today = new Date(now).toISOString().slice(0, 10)
      todayEnds = Date.parse(today) + DAY_MS
    }
    return today
  }

  const record = (businessId: string, keyId: string, outcome: UsageOutcome, at?: Date) =>
    add({
      businessId,
      keyId,
      day: dayOf(at),
      requests: 1,
      errors: outcome === 'error' ? 1 : 0,
      rateLimited: outcome === 'rate_limited' ? 1 : 0,
    })

  return {
    record,
    flush,
    async close() {
      clearInterval(timer)
      await flushing
      await flush()
    },
    plugin: {
      onResultProcess({ request, result }) {
        const single = Array.isArray(result) ? result[0] : result
        hadErrors.set(request, Boolean((single as { errors?: unknown[] } | undefined)?.errors?.length))
      },
      onResponse({ request, response }) {
        const caller = currentRequest()?.principal
        if (!caller?.keyId) return
        record(caller.businessId, caller.keyId, usageOutcome(response.status, hadErrors.get(request) ?? false))
      },
    },
  }
}

/** How a request counts in a key's usage: by its status, and whether its answer carried errors. */
export function usageOutcome(status: number, hadErrors: boolean): UsageOutcome {
  return status === 429 ? 'rate_limited' : status >= 400 || hadErrors ? 'error' : 'ok'
}
