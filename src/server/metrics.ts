import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Plugin } from 'graphql-yoga'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { currentRequest } from './request-log.js'

/** What the metrics read from the rest of the process when scraped. */
export interface MetricsSources {
  /** The PostgreSQL pool's counts (absent on the embedded database). */
  pool?: () => { total: number; idle: number; waiting: number }
  /** The credential cache's counters. */
  credentials?: () => { hits: number; misses: number }
  /** Webhook delivery attempts and their outcomes since start (src/webhooks/worker.ts). */
  webhooks?: () => Record<string, number>
}

export interface Metrics {
  registry: Registry
  /** Counts one request refused by the rate limiter. */
  rateLimited(): void
  /** Counts one answered GraphQL request: its operation, first error code (OK when none), status and duration. */
  observe(operationName: string | undefined, code: string, status: number, seconds: number): void
  plugin: Plugin
}

/** Operation names are chosen by clients: past this many distinct ones, the rest count as "other". */
const MAX_OPERATION_NAMES = 100
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * Prometheus metrics (prom-client) at /metrics: requests by operation, contract code and status
 * with their latency, the database pool, the credential cache and rate-limit refusals, plus the
 * process's own. One registry per server instance (tests run several in one process). Operation
 * names come from every tenant, so /metrics needs `Authorization: Bearer <GATEHOUSE_METRICS_TOKEN>`
 * when that is set, and is served only to loopback clients when it is not.
 */
export function createMetrics(sources: MetricsSources, options: { token?: string }): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'gatehouse_' })
  const duration = new Histogram({
    name: 'gatehouse_graphql_request_duration_seconds',
    help: 'GraphQL requests by operation name, first error code (OK when none) and HTTP status, and how long they took.',
    labelNames: ['operation', 'code', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  })
  const refused = new Counter({
    name: 'gatehouse_rate_limited_total',
    help: 'Requests refused with RATE_LIMITED.',
    registers: [registry],
  })
  new Gauge({
    name: 'gatehouse_db_pool_connections',
    help: 'PostgreSQL pool connections by state (total, idle, waiting callers).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = sources.pool?.()
      if (!stats) return
      for (const [state, value] of Object.entries(stats)) this.set({ state }, value)
    },
  })
  new Gauge({
    name: 'gatehouse_credential_cache_lookups',
    help: 'Credential cache lookups since start, by result (hit, miss).',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      const stats = sources.credentials?.()
      if (!stats) return
      this.set({ result: 'hit' }, stats.hits)
      this.set({ result: 'miss' }, stats.misses)
    },
  })

  new Gauge({
    name: 'gatehouse_webhook_deliveries',
    help: 'Webhook deliveries handled by this instance since start, by outcome (delivered, retry, dead, skipped).',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      for (const [outcome, value] of Object.entries(sources.webhooks?.() ?? {})) this.set({ outcome }, value)
    },
  })

  const operations = new Set<string>()
  const operationLabel = (name: string | undefined) => {
    if (!name) return 'anonymous'
    if (operations.has(name)) return name
    if (operations.size >= MAX_OPERATION_NAMES) return 'other'
    operations.add(name)
    return name
  }
  const startedAt = new WeakMap<Request, bigint>()
  const firstCode = new WeakMap<Request, string>()
  const token = options.token ? Buffer.from(`Bearer ${options.token}`) : null
  const mayScrape = (request: Request, serverContext: unknown) => {
    if (token) {
      const presented = Buffer.from(request.headers.get('authorization') ?? '')
      return presented.length === token.length && timingSafeEqual(presented, token)
    }
    const address = (serverContext as { req?: IncomingMessage }).req?.socket?.remoteAddress ?? ''
    return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')
  }

  const observe = (operationName: string | undefined, code: string, status: number, seconds: number) =>
    duration.observe({ operation: operationLabel(operationName), code, status: String(status) }, seconds)

  return {
    registry,
    rateLimited: () => refused.inc(),
    observe,
    plugin: {
      async onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
        if (url.pathname !== '/metrics') {
          startedAt.set(request, process.hrtime.bigint())
          return
        }
        if (!mayScrape(request, serverContext)) {
          endResponse(new fetchAPI.Response('Not found', { status: 404 }))
          return
        }
        endResponse(new fetchAPI.Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } }))
      },
      onResultProcess({ request, result }) {
        firstCode.set(request, firstErrorCode(Array.isArray(result) ? result[0] : result))
      },
      onResponse({ request, response }) {
        const started = startedAt.get(request)
        const code = firstCode.get(request)
        if (started === undefined || code === undefined) return // not a GraphQL request
        observe(currentRequest()?.operationName, code, response.status, Number(process.hrtime.bigint() - started) / 1e9)
      },
    },
  }
}

/** The code of a result's first error, OK when it has none: the `code` label of the request metric. */
export function firstErrorCode(result: unknown): string {
  const code = (result as { errors?: Array<{ extensions?: { code?: unknown } }> } | undefined)?.errors?.[0]?.extensions?.code
  return typeof code === 'string' ? code : 'OK'
}
