import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QUERY_LIMITS } from '../../src/server/query-limits.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { loadIntoBusiness } from '../setup/factories.js'
import { type SignedIn, signInAsAdmin } from '../setup/clients.js'
import { startInstance } from './server-helpers.js'

let server: TestServer
let admin: SignedIn

beforeAll(async () => {
  server = await startTestServer()
  admin = await signInAsAdmin(server)
  // A small real business behind the admin, so the heavy query below reads real rows.
  await loadIntoBusiness(server.app.services.database.db, admin, {
    seed: 11,
    sizes: { salesReps: 2, contacts: 12, suppliers: 4, jobs: 12, salesOrdersPerJob: 2, purchaseOrdersPerJob: 1, linesPerOrder: 3 },
  })
})
afterAll(() => server?.close())

/** The heaviest query a partner legitimately sends, every field of every type selected. */
const HEAVY = /* GraphQL */ `
  query Heavy {
    jobs(first: 100) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node {
        id number name status inHandsDate createdAt updatedAt version
        client { id firstName lastName name company createdAt updatedAt version
          emails { label value } phones { label value }
          addresses { label line1 line2 city region postalCode country } }
        salesOrders(first: 100) { totalCount edges { cursor node {
          id number status orderDate dueDate currency subtotal taxTotal total createdAt updatedAt version
          lines { position sku description quantity unitPrice taxRate amount } } } }
        purchaseOrders(first: 100) { totalCount edges { cursor node {
          id number status orderDate expectedDate currency subtotal taxTotal total createdAt updatedAt version
          supplier { id name email phone createdAt updatedAt }
          lines { position sku description quantity unitCost taxRate amount } } } }
      } }
    }
  }`

/** One more 100-row hop than the heavy query: a job's orders' job's orders. */
const HOP = /* GraphQL */ `
  query Hop($n: Int) {
    jobs(first: $n) { nodes { salesOrders(first: $n) { nodes { job { purchaseOrders(first: $n) { nodes { id } } } } } } }
  }`

const tooComplex = (response: Awaited<ReturnType<TestServer['graphql']>>) => {
  expect(response.status).toBe(400)
  expect(response.body.data).toBeUndefined()
  expect(response.body.errors).toHaveLength(1)
  expect(response.body.errors![0]!.extensions?.code).toBe('QUERY_TOO_COMPLEX')
  return response.body.errors![0]!.message
}

describe('query limits', () => {
  it('runs the heavy partner query: 100 jobs with client, sales orders with lines, purchase orders with supplier and lines', async () => {
    const { status, body } = await server.graphql(HEAVY, { headers: admin.headers })
    expect(body.errors).toBeUndefined()
    expect(status).toBe(200)
    expect(body.data.jobs.totalCount).toBe(12)
    const job = body.data.jobs.edges[0].node
    expect(job.client).not.toBeNull()
    expect(job.salesOrders.edges).toHaveLength(2)
    expect(job.salesOrders.edges[0].node.lines.length).toBeGreaterThan(0)
    expect(job.purchaseOrders.edges[0].node.supplier.name).toEqual(expect.any(String))
  })

  it('refuses one more 100-row hop by cost, counting page sizes that come from variables', async () => {
    const message = tooComplex(await server.graphql(HOP, { headers: admin.headers, variables: { n: 100 } }))
    expect(message).toMatch(/^This query costs 1040302 points; no query may cost more than 100000/)
    // Without `first` a connection reads 25 rows: three such hops cost far less and run.
    const defaults = '{ jobs { nodes { salesOrders { nodes { job { purchaseOrders { nodes { id } } } } } } } }'
    const small = await server.graphql(defaults, { headers: admin.headers })
    expect(small.body.errors).toBeUndefined()
  })

  it('refuses nesting deeper than the depth limit', async () => {
    let selection = 'id'
    for (let i = 0; i < 6; i++) selection = `job { salesOrders(first: 1) { nodes { ${selection} } } }`
    const message = tooComplex(await server.graphql(`{ salesOrders(first: 1) { nodes { ${selection} } } }`, { headers: admin.headers }))
    expect(message).toMatch(new RegExp(`depth limit of ${QUERY_LIMITS.maxDepth} exceeded`))
  })

  it('refuses too many aliases, too many directives and too many tokens', async () => {
    const aliases = Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: jobs(first: 1) { totalCount }`).join(' ')
    expect(tooComplex(await server.graphql(`{ ${aliases} }`, { headers: admin.headers }))).toMatch(/Aliases limit/)
    const directives = Array.from({ length: QUERY_LIMITS.maxDirectives + 1 }, (_, i) => `t${i}: __typename @include(if: true)`).join(' ')
    expect(tooComplex(await server.graphql(`{ ${directives} }`, { headers: admin.headers }))).toMatch(/Directives limit/)
    const tokens = `{ ${'a '.repeat(QUERY_LIMITS.maxTokens)} }`
    expect(tooComplex(await server.graphql(tokens, { headers: admin.headers }))).toMatch(/Token limit/)
  })

  it('refuses before authentication, and with application/graphql-response+json too', async () => {
    const aliases = Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: jobs(first: 1) { totalCount }`).join(' ')
    tooComplex(await server.graphql(`{ ${aliases} }`))
    tooComplex(await server.graphql(`{ ${aliases} }`, { headers: { accept: 'application/graphql-response+json' } }))
  })

  it('hides field suggestions in production only', async () => {
    const typo = '{ jobs(first: 1) { nodes { numbr } } }'
    const development = await server.graphql(typo, { headers: admin.headers })
    expect(development.status).toBe(400)
    expect(development.body.errors![0]!.message).toMatch(/Did you mean "number"/)
    const production = await startInstance(server, { NODE_ENV: 'production' })
    try {
      const response = await fetch(`${production.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...admin.headers },
        body: JSON.stringify({ query: typo }),
      })
      const body = await response.json()
      expect(response.status).toBe(400)
      expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
      expect(body.errors[0].message).toMatch(/Cannot query field "numbr"/)
      expect(body.errors[0].message).not.toMatch(/number"/)
    } finally {
      await production.close()
    }
  })
})
