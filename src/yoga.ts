import { randomUUID } from 'node:crypto'
import { GraphQLError } from 'graphql'
import { type YogaServerInstance, createYoga, maskError, useReadinessCheck } from 'graphql-yoga'
import type { Authenticator, CredentialService } from './access/credentials/authenticate.js'
import { defaultBudgets } from './access/budgets.js'
import { createKeyNetworkGuard } from './access/credentials/key-networks.js'
import { CredentialRefusedError } from './access/credentials/refused.js'
import type { Principal } from './access/principal.js'
import { type AppServices, type Context, createContext } from './context.js'
import { databaseFailure } from './db/failures.js'
import { isGatehouseError, outsideKeyNetworks, serviceUnavailable, timedOut, unauthenticated } from './graphql/errors.js'
import { getSchema } from './schema.js'
import { useBodyLimit } from './server/body-limit.js'
import { useRequestDeadline } from './server/deadline.js'
import { createMetrics } from './server/metrics.js'
import { useContractErrorCodes } from './server/document-errors.js'
import { useGraphiQLPage } from './server/graphiql-page.js'
import { QUERY_LIMITS, useQueryLimits } from './server/query-limits.js'
import { memoryBuckets, redisBuckets } from './server/cost/buckets.js'
import { useCostMetering } from './server/cost/metering.js'
import { createAnonymousLimiter } from './server/rate-limit.js'
import { connectLimitsRedis } from './server/redis.js'
import { createKeyUsage } from './server/usage.js'
import { currentRequest, notePrincipal, useRequestLog } from './server/request-log.js'
import { useJit } from './server/jit.js'
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

const GRAPHQL_ENDPOINT = '/graphql'

/**
 * Builds the GraphQL server: schema, per-request context, credential checks, rate and query
 * limits, request log, GraphiQL, health and error masking. `yoga.dispose()` releases what it holds.
 */
export function createGatehouseYoga(services: GatehouseServices): GatehouseYoga {
  const { config, log } = services
  const metrics = createMetrics(
    { pool: services.database.poolStats, credentials: () => services.credentials.stats() },
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
  return createYoga<ServerContext, Context>({
    schema: getSchema(),
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
    maskedErrors: {
      // Never a stack or an internal message in a response, whatever NODE_ENV says.
      isDev: false,
      // Our own errors carry contract codes and are safe to show; anything else is masked.
      maskError: (error, message) => {
        const original = error instanceof GraphQLError ? (error.originalError ?? error) : error
        if (isGatehouseError(error) || isGatehouseError(original)) return error as Error
        // yoga's own refusals of the HTTP request (413 REQUEST_ENTITY_TOO_LARGE) are the caller's: BAD_REQUEST, safe to show.
        const status = (error instanceof GraphQLError ? error.extensions?.http : undefined) as { status?: number } | undefined
        if (error instanceof GraphQLError && !error.originalError && status?.status && status.status > 400 && status.status < 500) {
          return new GraphQLError(error.message, { extensions: { code: 'BAD_REQUEST', http: error.extensions.http } })
        }
        // The database failing is the caller's business (retry, or shorten the query), not a masked bug.
        const failure = databaseFailure(original)
        if (failure) {
          const where = error instanceof GraphQLError ? { path: error.path, nodes: error.nodes } : {}
          return failure === 'timeout' ? timedOut(where) : serviceUnavailable(where)
        }
        const masked = maskError(error, message, false)
        if (masked !== error) log.error({ err: original, requestId: currentRequest()?.id }, 'unexpected error')
        return masked
      },
    },
    context: async ({ request, clientAddress }) => {
      const record = currentRequest()
      const meta = {
        requestId: record?.id ?? randomUUID(),
        clientAddress: clientAddress ?? record?.clientAddress ?? null,
      }
      let principal: Principal | null
      try {
        principal = await services.authenticator.authenticate(request, meta)
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
    },
    plugins: [
      useRequestLog(log, { trustedProxies: config.GATEHOUSE_TRUSTED_PROXIES }),
      metrics.plugin,
      useRequestDeadline(config.GATEHOUSE_REQUEST_TIMEOUT_MS),
      useGraphiQLPage({
        enabled: config.GATEHOUSE_GRAPHIQL,
        endpoint: GRAPHQL_ENDPOINT,
        // Imported on the first visit: the renderer's inlined assets cost ~50 MiB of memory.
        render: async () => {
          const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql')
          return renderGraphiQL({ title: 'Gatehouse', defaultQuery: DEFAULT_QUERY, endpoint: GRAPHQL_ENDPOINT })
        },
      }),
      useBodyLimit(config.GATEHOUSE_MAX_BODY_BYTES),
      useReadinessCheck({ endpoint: '/ready', check: () => services.database.ping() }),
      useQueryLimits({ production: config.NODE_ENV === 'production' }),
      useContractErrorCodes(log),
      useStorableText(),
      useRequireCredential({ allowAnonymousIntrospection: config.NODE_ENV !== 'production' }),
      useCostMetering({
        buckets: redis ? redisBuckets(redis) : memoryBuckets(),
        defaults: defaultBudgets(config),
        maxCost: QUERY_LIMITS.maxCost,
        onRefused: metrics.rateLimited,
      }),
      config.GATEHOUSE_JIT && useJit(),
      usage.plugin,
      {
        onDispose: async () => {
          redis?.close()
          await usage.close()
        },
      },
    ],
  })
}

const DEFAULT_QUERY = `# Welcome to Gatehouse. Sign in first (mutation below), then send the token as
#   Authorization: Bearer <token>
# in the Headers tab. Partners use an API key the same way.
#
# mutation { signIn(input: { email: "admin@demo.local", password: "…" }) { token } }

query Jobs {
  viewer { business { name slug } }
  jobs(first: 10) {
    totalCount
    nodes { number name status client { name company } salesOrders(first: 5) { nodes { number total currency } } }
    pageInfo { hasNextPage endCursor }
  }
}
`
