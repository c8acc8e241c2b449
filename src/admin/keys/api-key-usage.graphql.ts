import { requirePrincipal } from '../../records/write/transaction.js'
import { builder } from '../../graphql/builder.js'
import { ApiKeyRef } from './api-keys.graphql.js'

/**
 * `ApiKey.usage`: requests, errors and rate-limited requests per UTC day (Unkey's analytics),
 * counted in memory by each instance and added to `api_key_usage` in batches (src/server/usage.ts),
 * so today's figures trail the traffic by up to one flush interval.
 */

/** Days of usage a key shows: a month, like the dashboards partners know. */
const USAGE_DAYS = 30

interface UsageDay {
  day: string
  requests: number
  errors: number
  rateLimited: number
}

const ApiKeyUsageDayRef = builder.objectRef<UsageDay>('ApiKeyUsageDay').implement({
  description: "One UTC day of a key's traffic.",
  fields: (t) => ({
    day: t.field({ type: 'LocalDate', resolve: (usage) => usage.day }),
    requests: t.exposeInt('requests', { description: 'Every request made with the key (refused ones included).' }),
    errors: t.exposeInt('errors', { description: 'Answers that carried an error or an HTTP status of 400 or more, rate limiting aside.' }),
    rateLimited: t.exposeInt('rateLimited', { description: 'Requests refused with 429 RATE_LIMITED.' }),
  }),
})

builder.objectField(ApiKeyRef, 'usage', (t) =>
  t.loadableList({
    type: ApiKeyUsageDayRef,
    description: `The key's traffic per UTC day over the last ${USAGE_DAYS} days, newest first; days without any are left out. Written in batches: up to a few seconds behind.`,
    load: async (keyIds: string[], context) => {
      const principal = requirePrincipal(context)
      const since = new Date(Date.now() - (USAGE_DAYS - 1) * 86_400_000).toISOString().slice(0, 10)
      const rows = await context.db
        .selectFrom('api_key_usage')
        .select(['key_id', 'day', 'requests', 'errors', 'rate_limited'])
        .where('business_id', '=', principal.businessId)
        .where('key_id', 'in', keyIds)
        .where('day', '>=', since)
        .orderBy('day', 'desc')
        .execute()
      const byKey = new Map<string, UsageDay[]>(keyIds.map((id) => [id, []]))
      for (const row of rows) {
        // Int is 32 bits: a key would need ~25,000 requests a second all day to pass it.
        byKey.get(row.key_id)?.push({ day: row.day, requests: Number(row.requests), errors: Number(row.errors), rateLimited: Number(row.rate_limited) })
      }
      return keyIds.map((id) => byKey.get(id) ?? [])
    },
    resolve: (key) => key.id,
  }),
)
