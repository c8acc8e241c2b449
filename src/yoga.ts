import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type YogaServerInstance, createYoga, useReadinessCheck } from 'graphql-yoga'
import type { Authenticator, CredentialService } from './access/credentials/authenticate.js'
import { defaultBudgets } from './access/budgets.js'
import { createKeyNetworkGuard } from './access/credentials/key-networks.js'
import { CredentialRefusedError } from './access/credentials/refused.js'
import type { Principal } from './access/principal.js'
import { type AppServices, type Context, createContext } from './context.js'
import { outsideKeyNetworks, unauthenticated } from './graphql/errors.js'
import { getSchema } from './schema.js'
import { useExportDownloads } from './exports/download.js'
import { exportDir } from './exports/export-files.js'
import { useBodyLimit } from './server/body-limit.js'
import { useRequestDeadline } from './server/deadline.js'
import { traced, useTracing } from './server/tracing.js'
import { createMetrics } from './server/metrics.js'
import { contractResultErrors, useContractErrorCodes } from './server/document-errors.js'
import { useGraphiQLPage } from './server/graphiql-page.js'
import { graphiqlOptions, withGatehouseAdditions } from './server/graphiql-setup.js'
import { builtConsoleDir, useAdminConsole } from './server/admin-console.js'
import { QUERY_LIMITS, useQueryLimits } from './server/query-limits.js'
import { memoryBuckets, redisBuckets } from './server/cost/buckets.js'
import { createCostMeter, useCostMetering } from './server/cost/metering.js'
import { clientAddressResolver } from './server/client-address.js'
import { type LeanLane, createLeanLane } from './server/lean-lane.js'
import { passThrough } from './records/read/passthrough.js'
import { contractErrorMasker } from './server/mask-errors.js'
import { createAnonymousLimiter } from './server/rate-limit.js'
import { connectLimitsRedis } from './server/redis.js'
import { createKeyUsage } from './server/usage.js'
import { currentRequest, notePrincipal, useRequestLog } from './server/request-log.js'
import { createJitCache, useJit } from './server/jit.js'
import { useRequireCredential } from './server/require-credential.js'
import { useStorableText } from './server/text-input.js'

export interface GatehouseServices extends AppServices {
  authenticator: Authenticator
  credentials: CredentialService
}

/** What the Node adapter passes yoga for each request (an in-process caller may name the client). */
export interface ServerContext {
  clientAddress?: string | null
}

export type GatehouseYoga = YogaServerInstance<ServerContext, Context>

/** The GraphQL server: yoga, and the node handler that serves it (through the lean lane when it is on). */
export interface GatehouseServer {
  yoga: GatehouseYoga
  handle: (request: IncomingMessage, response: ServerResponse) => void
  /** What the lean lane did so far (null when it is off). */
  laneStats: () => ReturnType<LeanLane['stats']> | null
}

const GRAPHQL_ENDPOINT = '/graphql'

/**
 * Builds the GraphQL server: schema, per-request context, credential checks, rate and query
 * limits, request log, GraphiQL, health and error masking, and the lean lane in front of it.
 * `yoga.dispose()` releases what it holds.
 */
export function createGatehouseServer(services: GatehouseServices): GatehouseServer {
  const { config, log } = services
  const metrics = createMetrics(
    { pool: services.database.poolStats, credentials: () => services.credentials.stats(), webhooks: () => services.webhooks?.stats?.() ?? {} },
    { token: config.GATEHOUSE_METRICS_TOKEN },
  )
  const redis = config.REDIS_URL ? connectLimitsRedis(config.REDIS_URL, log) : undefined
  const usage = createKeyUsage({ db: services.database.db, log, flushEveryMs: config.GATEHOUSE_USAGE_FLUSH_SECONDS * 1000 })
  const keyNetworks = createKeyNetworkGuard({ db: services.database.db, log })
  const anonymous = createAnonymousLimiter({
    perMinute: config.GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE,
    redis,
    onRefused: metrics.rateLimited,
  })
  /** The caller of a request, and its context; throws the refusal (401, 403, 429). */
  const contextFor = async (headers: Pick<Headers, 'get'>, meta: { requestId: string; clientAddress: string | null }): Promise<Context> => {
    let principal: Principal | null
    try {
      principal = await services.authenticator.authenticate({ headers }, meta)
    } catch (error) {
      // A bad credential counts against the client's address: guessing keys is rate limited too.
      await anonymous.consume(meta.clientAddress)
      throw error instanceof CredentialRefusedError ? unauthenticated(error.publicMessage) : error
    }
    notePrincipal(principal)
    if (principal && !keyNetworks.allows(principal, meta)) {
      // Counted like a bad credential: a stolen key tried from everywhere is throttled per address.
      await anonymous.consume(meta.clientAddress)
      throw outsideKeyNetworks(meta.clientAddress)
    }
    // Credentialed requests are metered by cost (useCostMetering), per principal.
    if (!principal) await anonymous.consume(meta.clientAddress)
    return createContext(services, { ...meta, principal })
  }
  const maskError = contractErrorMasker(log)
  const metering = {
    buckets: redis ? redisBuckets(redis) : memoryBuckets(),
    defaults: defaultBudgets(config),
    maxCost: QUERY_LIMITS.maxCost,
    onRefused: metrics.rateLimited,
  }
  const jit = createJitCache()
  const schema = getSchema()
  const lean = config.GATEHOUSE_LEAN_HTTP && config.GATEHOUSE_JIT
  let handleYoga: (request: IncomingMessage, response: ServerResponse) => void = () => {}
  const lane = createLeanLane({
    yoga: (request, response) => handleYoga(request, response),
    fetchAPI: globalThis,
    schema,
    compiled: (document, operationName) => jit.compiled(schema, document, operationName),
    maxBodyBytes: config.GATEHOUSE_MAX_BODY_BYTES,
    timeoutMs: config.GATEHOUSE_REQUEST_TIMEOUT_MS,
    log,
    resolveAddress: clientAddressResolver(config.GATEHOUSE_TRUSTED_PROXIES),
    contextFor,
    maskError,
    contractErrors: (result) => contractResultErrors(result, log),
    meter: createCostMeter(metering),
    observe: metrics.observe,
    recordUsage: usage.record,
    traced,
    passThrough: config.GATEHOUSE_READ_PASSTHROUGH ? (input) => passThrough({ schema, ...input }) : undefined,
  })
  const yoga = createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: '/health',
    // Enforced by useBodyLimit (below), which counts only bodies that declare no length.
    maxRequestBodySize: false,
    // JSON only (src/server/document-errors.ts refuses other content types): no multipart parser.
    multipart: false,
    // Closed unless origins are configured: yoga's default echoes any Origin with credentials.
    cors: config.GATEHOUSE_CORS_ORIGINS.length > 0
      ? { origin: config.GATEHOUSE_CORS_ORIGINS, credentials: false, allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-request-id', 'x-gatehouse-csrf'], exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-used', 'x-ratelimit-reset'] }
      : false,
    landingPage: false,
    logging: false,
    // Served by useGraphiQLPage below: compressed and cacheable, from the installed package.
    graphiql: false,
    maskedErrors: { isDev: false, maskError },
    context: ({ request, clientAddress }) => {
      const record = currentRequest()
      return contextFor(request.headers, {
        requestId: record?.id ?? randomUUID(),
        clientAddress: clientAddress ?? record?.clientAddress ?? null,
      })
    },
    plugins: [
      useTracing(),
      useRequestLog(log, { trustedProxies: config.GATEHOUSE_TRUSTED_PROXIES }),
      metrics.plugin,
      useRequestDeadline(config.GATEHOUSE_REQUEST_TIMEOUT_MS),
      useGraphiQLPage({
        enabled: config.GATEHOUSE_GRAPHIQL,
        endpoint: GRAPHQL_ENDPOINT,
        // Imported on the first visit: the renderer's inlined assets cost ~50 MiB of memory.
        render: async () => {
          const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql')
          return withGatehouseAdditions(renderGraphiQL(graphiqlOptions(GRAPHQL_ENDPOINT)), { production: config.NODE_ENV === 'production' })
        },
      }),
      // The admin console's page and assets at /admin (same origin as /graphql).
      useAdminConsole({ dir: builtConsoleDir() }),
      // Finished bulk exports, for the principal that started them (src/exports/download.ts).
      useExportDownloads({
        dir: exportDir(config),
        db: services.database.db,
        principalOf: async (request) => {
          const record = currentRequest()
          const context = await contextFor(request.headers, { requestId: record?.id ?? randomUUID(), clientAddress: record?.clientAddress ?? null })
          return context.principal
        },
      }),
      useBodyLimit(config.GATEHOUSE_MAX_BODY_BYTES),
      useReadinessCheck({ endpoint: '/ready', check: () => services.database.ping() }),
      useQueryLimits({ production: config.NODE_ENV === 'production' }),
      useContractErrorCodes(log),
      useStorableText(),
      useRequireCredential({ allowAnonymousIntrospection: config.NODE_ENV !== 'production' }),
      useCostMetering(metering),
      config.GATEHOUSE_JIT && useJit(jit),
      lean && lane.plugin,
      usage.plugin,
      {
        onDispose: async () => {
          redis?.close()
          await usage.close()
        },
      },
    ],
  })
  handleYoga = yoga
  return { yoga, handle: lean ? lane.handle : yoga, laneStats: () => (lean ? lane.stats() : null) }
}
