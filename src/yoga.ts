import { randomUUID } from 'node:crypto'
import { renderGraphiQL } from '@graphql-yoga/render-graphiql'
import { GraphQLError } from 'graphql'
import { type YogaServerInstance, createYoga, maskError, useReadinessCheck } from 'graphql-yoga'
import type { Principal } from './access/principal.js'
import { type AppServices, type Context, createContext } from './context.js'
import { isGatehouseError } from './graphql/errors.js'
import { getSchema } from './graphql/schema.js'
import { useRequireCredential } from './server/require-credential.js'

/** Turns a request's credential into its caller: null when it carries none; throws UNAUTHENTICATED when it is bad. */
export interface Authenticator {
  authenticate(request: Request, meta: { requestId: string; clientAddress: string | null }): Promise<Principal | null>
}

export interface GatehouseServices extends AppServices {
  authenticator: Authenticator
}

/** What the Node adapter passes yoga for each request. */
export interface ServerContext {
  clientAddress?: string | null
}

export type GatehouseYoga = YogaServerInstance<ServerContext, Context>

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/

/** Builds the GraphQL server: schema, per-request context, credential checks, health and error masking. */
export function createGatehouseYoga(services: GatehouseServices): GatehouseYoga {
  const { config } = services
  return createYoga<ServerContext, Context>({
    schema: getSchema(),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    logging: false,
    graphiql: config.GATEHOUSE_GRAPHIQL ? { title: 'Gatehouse', defaultQuery: DEFAULT_QUERY } : false,
    // Served from the installed package: GraphiQL must work with no internet access.
    renderGraphiQL,
    maskedErrors: {
      // Our own errors carry contract codes and are safe to show; anything else is masked.
      maskError: (error, message, isDev) => {
        const original = error instanceof GraphQLError ? (error.originalError ?? error) : error
        if (isGatehouseError(error) || isGatehouseError(original)) return error as Error
        if (!(original instanceof GraphQLError) || !isGatehouseError(original)) {
          services.log.error({ err: original }, 'unexpected error')
        }
        return maskError(error, message, isDev)
      },
    },
    context: async ({ request, clientAddress }) => {
      const incoming = request.headers.get('x-request-id')
      const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID()
      const meta = { requestId, clientAddress: clientAddress ?? null }
      const principal = await services.authenticator.authenticate(request, meta)
      return createContext(services, { ...meta, principal })
    },
    plugins: [
      useReadinessCheck({ endpoint: '/ready', check: () => services.database.ping() }),
      useRequireCredential({ allowAnonymousIntrospection: config.NODE_ENV !== 'production' }),
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
