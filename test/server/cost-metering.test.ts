import { parse } from 'graphql'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { decodeGlobalId } from '../../src/graphql/global-id.js'
import { getSchema } from '../../src/schema.js'
import { queryCost, requestedCost } from '../../src/server/cost/estimate.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { loadIntoBusiness } from '../setup/factories.js'
import { type MemberWithKeys, type SignedIn, bearer, createMemberWithKeys, signIn, signInAsAdmin, xApiKey } from '../setup/clients.js'
import { startInstance } from './server-helpers.js'

/**
 * Cost metering end to end over HTTP: the price in `extensions.cost` is the estimator's, the
 * headers count down, both keys of a pair drain one bucket, 429 says the real wait, admins set
 * budgets (per principal and business-wide), and with Redis two instances share one bucket.
 */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const JOBS = 12

let server: TestServer
let admin: SignedIn

beforeAll(async () => {
  server = await startTestServer()
  admin = await signInAsAdmin(server)
  await loadIntoBusiness(server.app.services.database.db, admin, {
    seed: 5,
    sizes: { salesReps: 2, contacts: 8, suppliers: 3, jobs: JOBS, salesOrdersPerJob: 2, purchaseOrdersPerJob: 1, linesPerOrder: 2 },
  })
})
afterAll(() => server?.close())

/** The body as JSON of any shape: these tests read `extensions` and assert on errors directly. */
async function gql(query: string, options: Parameters<TestServer['graphql']>[1] = {}) {
  const answer = await server.graphql(query, options)
  return { ...answer, body: answer.body as any }
}

async function adminRoleId(): Promise<string> {
  const viewer = await gql('{ viewer { role { id } } }', { headers: admin.headers })
  return viewer.body.data.viewer.role.id
}

async function userEmail(globalId: string): Promise<string> {
  const answer = await gql(`{ node(id: "${globalId}") { ... on User { email } } }`, { headers: admin.headers })
  return answer.body.data.node.email
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Ten jobs: 2 for the connection + 10 records; what comes back is exactly what was asked. */
const TEN_JOBS = '{ jobs(first: 10) { nodes { id number } } }'

async function setBudget(principalId: string, limit: number | null, restoreRate: number | null) {
  const answer = await gql(
    'mutation($input: SetRateLimitBudgetInput!) { setRateLimitBudget(input: $input) { limit restoreRate custom } }',
    { headers: admin.headers, variables: { input: { principalId, limit, restoreRate } } },
  )
  expect(answer.body.errors).toBeUndefined()
  return answer.body.data.setRateLimitBudget
}

async function memberWithBudget(limit: number, restoreRate: number): Promise<MemberWithKeys> {
  const member = await createMemberWithKeys(server, admin)
  await setBudget(member.globalId, limit, restoreRate)
  return member
}

describe('the price of a query', () => {
  it('reports the estimator\'s requested cost and what the rows that came back cost, Shopify\'s shape', async () => {
    const query = `query Nested($n: Int) {
      jobs(first: $n) {
        totalCount
        nodes { id client { id name } salesOrders(first: 5) { nodes { id lines { sku } } } }
        pageInfo { hasNextPage }
      }
    }`
    const variables = { n: 20 }
    const expected = queryCost({ schema: getSchema(), document: parse(query), variables })
    // 2 + totalCount 1 + 20 × (job 1 + client 1 + salesOrders (2 + 5 × 1)).
    expect(expected).toBe(2 + 1 + 20 * (1 + 1 + (2 + 5)))
    const answer = await gql(query, { headers: admin.headers, variables })
    expect(answer.body.errors).toBeUndefined()
    const jobs = answer.body.data.jobs.nodes as Array<{ client: unknown; salesOrders: { nodes: unknown[] } }>
    expect(jobs).toHaveLength(JOBS)
    const actual = 2 + 1 + jobs.reduce((sum, job) => sum + 1 + (job.client ? 1 : 0) + 2 + job.salesOrders.nodes.length, 0)
    const { cost } = answer.body.extensions
    expect(cost.requestedQueryCost).toBe(expected)
    expect(cost.actualQueryCost).toBe(actual)
    expect(cost.actualQueryCost).toBeLessThan(cost.requestedQueryCost)
    expect(cost.throttleStatus).toEqual({ maximumAvailable: 50_000, currentlyAvailable: expect.any(Number), restoreRate: 1_000 })
  })

  it('refuses a query that costs more than the caller\'s bucket can ever hold, before it runs', async () => {
    const member = await memberWithBudget(100, 10)
    const answer = await gql('{ jobs(first: 100) { nodes { id } } }', { headers: xApiKey(member.primary.key) })
    expect(answer.status).toBe(400)
    expect(answer.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX')
    expect(answer.body.errors[0].message).toBe('This query costs 102 points; your bucket holds at most 100. Ask for smaller pages.')
    expect(answer.body.extensions.cost).toEqual({ requestedQueryCost: 102, actualQueryCost: 0 })
  })

  it('refuses a query over the ceiling whatever the bucket, page sizes from variables counted', async () => {
    const hop = 'query Hop($n: Int) { jobs(first: $n) { nodes { salesOrders(first: $n) { nodes { job { purchaseOrders(first: $n) { nodes { id } } } } } } } }'
    const answer = await gql(hop, { headers: admin.headers, variables: { n: 100 } })
    expect(answer.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX')
    expect(answer.body.errors[0].message).toMatch(/^This query costs 1040302 points; no query may cost more than 100000/)
    // The same document with small pages runs.
    const small = await gql(hop, { headers: admin.headers, variables: { n: 2 } })
    expect(small.body.errors).toBeUndefined()
  })
})

describe('the remembered price', () => {
  it('is the estimator\'s price for every variable set: strings do not change it, sizes, conditions and list lengths do', () => {
    const document = parse(`query P($first: Int, $after: String, $ids: [ID!]!, $deep: Boolean!) {
      jobs(first: $first, after: $after) { nodes { id salesOrders(first: 5) @include(if: $deep) { nodes { id } } } }
      nodes(ids: $ids) { id }
    }`)
    const schema = getSchema()
    const sets = [
      { first: 10, after: null, ids: ['a'], deep: false },
      { first: 10, after: 'cursor-1', ids: ['b'], deep: false },
      { first: 10, after: 'cursor-2', ids: ['c'], deep: true },
      { first: 50, after: 'cursor-2', ids: ['c'], deep: true },
      { first: 50, after: 'cursor-3', ids: ['c', 'd', 'e'], deep: true },
      { first: null, after: null, ids: [], deep: false },
    ]
    const prices = new Set<number>()
    for (const variables of [...sets, ...sets.reverse()]) {
      const price = requestedCost({ schema, document, variables })
      expect(price, JSON.stringify(variables)).toBe(queryCost({ schema, document, variables }))
      prices.add(price)
    }
    expect(prices.size).toBe(5)
  })
})

describe('what is charged when something fails', () => {
  it('charges a response with errors what it asked for: an error that nulls the answer hides the work done, not its price', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `id-${i}`)
    // `nodes` is non-null and refuses 101 ids: the whole answer is null, after `jobs` ran.
    const answer = await gql('query($ids: [ID!]!) { jobs(first: 10) { nodes { id } } nodes(ids: $ids) { __typename } }', {
      headers: admin.headers,
      variables: { ids },
    })
    expect(answer.body.data).toBeNull()
    const { requestedQueryCost, actualQueryCost } = answer.body.extensions.cost
    expect(requestedQueryCost).toBe(12 + 101)
    expect(actualQueryCost).toBe(requestedQueryCost)
  })

  it('refuses a null condition of @include as a bad variable (never an unexpected error, never unpriced)', async () => {
    const answer = await gql('query($f: Boolean = true) { a: jobs(first: 5) { totalCount } b: jobs(first: 1) @include(if: $f) { totalCount } }', {
      headers: admin.headers,
      variables: { f: null },
    })
    expect(answer.status).toBe(400)
    expect(answer.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'if' })
    expect(answer.body.data).toBeUndefined()
  })
})

describe('one bucket per principal', () => {
  it('counts down in the headers and in rateLimit, both keys of a pair draining the same bucket', async () => {
    const member = await memberWithBudget(40, 1)
    const first = await gql(TEN_JOBS, { headers: xApiKey(member.primary.key) })
    expect(first.body.extensions.cost).toMatchObject({ requestedQueryCost: 12, actualQueryCost: 12 })
    expect(first.headers.get('x-ratelimit-limit')).toBe('40')
    const afterFirst = Number(first.headers.get('x-ratelimit-remaining'))
    expect(afterFirst).toBeGreaterThanOrEqual(28)
    expect(afterFirst).toBeLessThanOrEqual(29)
    expect(first.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(afterFirst)
    expect(Number(first.headers.get('x-ratelimit-used'))).toBe(40 - afterFirst)
    // Reset: when the bucket is full again, 1 point per second.
    const reset = Number(first.headers.get('x-ratelimit-reset'))
    expect(reset - Date.now() / 1000).toBeGreaterThan(40 - afterFirst - 3)
    expect(reset - Date.now() / 1000).toBeLessThan(40 - afterFirst + 2)

    // The secondary key, sent the other way, drains the same bucket.
    const second = await gql(`{ rateLimit { limit cost remaining used restoreRate resetAt } ${TEN_JOBS.slice(1, -1)} }`, {
      headers: bearer(member.secondary.key),
    })
    expect(second.body.errors).toBeUndefined()
    const afterSecond = Number(second.headers.get('x-ratelimit-remaining'))
    expect(afterSecond).toBeLessThanOrEqual(afterFirst - 12 + 2)
    expect(second.body.data.rateLimit).toMatchObject({ limit: 40, cost: 12, restoreRate: 1, used: 40 - second.body.data.rateLimit.remaining })
    expect(second.body.data.rateLimit.remaining).toBe(afterSecond)
  })

  it('answers 429 RATE_LIMITED with the real wait in Retry-After, and the request passes after it', async () => {
    const member = await memberWithBudget(20, 4)
    const headers = xApiKey(member.primary.key)
    expect((await gql(TEN_JOBS, { headers })).status).toBe(200)
    const refused = await gql(TEN_JOBS, { headers })
    expect(refused.status).toBe(429)
    expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED')
    expect(refused.body.data).toBeUndefined()
    // 8 points left, 12 needed, 4 restored per second: 1 s (rounded up), nothing charged for the refusal.
    const available = refused.body.extensions.cost.throttleStatus.currentlyAvailable
    expect(available).toBeGreaterThanOrEqual(8)
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBe(Math.max(1, Math.ceil((12 - available) / 4)))
    expect(refused.body.errors[0].extensions.retryAfter).toBe(retryAfter)
    expect(refused.headers.get('x-ratelimit-remaining')).toBe(String(available))
    await sleep(retryAfter * 1000 + 50)
    expect((await gql(TEN_JOBS, { headers })).status).toBe(200)
  })

  it('gives back what a query did not use', async () => {
    const member = await memberWithBudget(200, 1)
    const headers = xApiKey(member.primary.key)
    // Asks for 100 jobs (102 points), reads 12 (14 points).
    const answer = await gql('{ jobs(first: 100) { nodes { id } } }', { headers })
    expect(answer.body.extensions.cost).toMatchObject({ requestedQueryCost: 102, actualQueryCost: 2 + JOBS })
    expect(Number(answer.headers.get('x-ratelimit-remaining'))).toBeGreaterThanOrEqual(200 - 2 - JOBS)
  })

  it('charges each principal its own bucket: one partner\'s spending leaves another\'s whole', async () => {
    const spender = await memberWithBudget(24, 1)
    const other = await memberWithBudget(24, 1)
    await gql(TEN_JOBS, { headers: xApiKey(spender.primary.key) })
    await gql(TEN_JOBS, { headers: xApiKey(spender.secondary.key) })
    expect((await gql(TEN_JOBS, { headers: xApiKey(spender.primary.key) })).status).toBe(429)
    const fresh = await gql(TEN_JOBS, { headers: xApiKey(other.primary.key) })
    expect(fresh.status).toBe(200)
    expect(Number(fresh.headers.get('x-ratelimit-remaining'))).toBe(12)
  })
})

describe('a user with keys', () => {
  it('draws on one bucket for its keys and another for its sessions: a runaway key cannot keep its admin out', async () => {
    const other = await gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, {
      headers: admin.headers,
      variables: { input: { email: `keys-${Date.now()}@test.local`, name: 'Key holder', password: 'key holder password 1', roleId: await adminRoleId() } },
    })
    expect(other.body.errors, JSON.stringify(other.body.errors)).toBeUndefined()
    const userId = other.body.data.createUser.id as string
    const keys = await gql('mutation($input: GenerateApiKeysInput!) { generateApiKeys(input: $input) { primary { key } } }', {
      headers: admin.headers,
      variables: { input: { userId, description: 'own keys' } },
    })
    await setBudget(userId, 24, 1)
    const key = xApiKey(keys.body.data.generateApiKeys.primary.key)
    for (let i = 0; i < 2; i++) expect((await gql(TEN_JOBS, { headers: key })).status).toBe(200)
    expect((await gql(TEN_JOBS, { headers: key })).status).toBe(429)
    const session = await signIn(server, await userEmail(userId), 'key holder password 1')
    const signedIn = await gql(TEN_JOBS, { headers: session.headers })
    expect(signedIn.status).toBe(200)
    expect(Number(signedIn.headers.get('x-ratelimit-remaining'))).toBeGreaterThanOrEqual(24 - 12)
  })
})

describe('budgets', () => {
  it('are set by admins per principal, shown on the member, audited, and reset to the default', async () => {
    const member = await createMemberWithKeys(server, admin)
    expect(await setBudget(member.globalId, 500, 5)).toEqual({ limit: 500, restoreRate: 5, custom: true })
    const shown = await gql(`{ node(id: "${member.globalId}") { ... on ApiMember { rateLimitBudget { limit restoreRate custom } } } }`, {
      headers: admin.headers,
    })
    expect(shown.body.data.node.rateLimitBudget).toEqual({ limit: 500, restoreRate: 5, custom: true })
    // The key's next request sees the new bucket (the credential cache was told).
    const used = await gql('{ rateLimit { limit restoreRate } }', { headers: xApiKey(member.primary.key) })
    expect(used.body.data.rateLimit).toEqual({ limit: 500, restoreRate: 5 })
    expect(await setBudget(member.globalId, null, null)).toEqual({ limit: 50_000, restoreRate: 1_000, custom: false })
    const events = await server.app.services.database.db
      .selectFrom('audit_events').select(['action', 'target_type', 'details'])
      .where('business_id', '=', admin.businessId).where('action', '=', 'rate_limit.update').where('target_id', '=', member.id)
      .execute()
    expect(events.map((event) => event.details)).toEqual([{ budget: { limit: 500, restoreRate: 5 } }, { budget: null }])
  })

  it('refuse half a budget, out-of-range values, an unknown principal and any caller but an admin', async () => {
    const member = await createMemberWithKeys(server, admin)
    const send = (input: Record<string, unknown>, headers: Record<string, string> = admin.headers) =>
      gql('mutation($input: SetRateLimitBudgetInput!) { setRateLimitBudget(input: $input) { limit } }', { headers, variables: { input } })
    const refusals: Array<[Record<string, unknown>, string, string]> = [
      [{ principalId: member.globalId, limit: 50 }, 'BAD_USER_INPUT', 'input.restoreRate'],
      [{ principalId: member.globalId, restoreRate: 10 }, 'BAD_USER_INPUT', 'input.limit'],
      [{ principalId: member.globalId, limit: 0, restoreRate: 1 }, 'BAD_USER_INPUT', 'input.limit'],
      // Below twice a budget mutation's price: an admin could not set it back.
      [{ principalId: member.globalId, limit: 19, restoreRate: 1 }, 'BAD_USER_INPUT', 'input.limit'],
      [{ principalId: member.globalId, limit: 20, restoreRate: 21 }, 'BAD_USER_INPUT', 'input.restoreRate'],
      [{ principalId: 'QXBpTWVtYmVyOjk5OTk5OTk5', limit: 20, restoreRate: 1 }, 'NOT_FOUND', 'input.principalId'],
    ]
    for (const [input, code, field] of refusals) {
      const answer = await send(input)
      expect(answer.body.errors[0].extensions, JSON.stringify(input)).toMatchObject({ code, field })
    }
    const byKey = await send({ principalId: member.globalId, limit: 20, restoreRate: 1 }, xApiKey(member.primary.key))
    expect(byKey.body.errors[0].extensions.code).toBe('FORBIDDEN')
    const row = await server.app.services.database.db.selectFrom('principals').select(['cost_limit']).where('id', '=', member.id).executeTakeFirstOrThrow()
    expect(row.cost_limit).toBeNull()
  })

  it('a business-wide bucket caps every principal of the business together', async () => {
    const a = await createMemberWithKeys(server, admin)
    const b = await createMemberWithKeys(server, admin)
    const set = await gql('mutation { setBusinessRateLimitBudget(input: { limit: 30, restoreRate: 1 }) { limit restoreRate custom } }', {
      headers: admin.headers,
    })
    expect(set.body.data.setBusinessRateLimitBudget).toEqual({ limit: 30, restoreRate: 1, custom: true })
    try {
      expect((await gql(TEN_JOBS, { headers: xApiKey(a.primary.key) })).status).toBe(200)
      expect((await gql(TEN_JOBS, { headers: xApiKey(b.primary.key) })).status).toBe(200)
      // Each member's own bucket is nearly full, the business's is spent.
      const refused = await gql(TEN_JOBS, { headers: xApiKey(a.secondary.key) })
      expect(refused.status).toBe(429)
      expect(refused.headers.get('x-ratelimit-limit')).toBe('30')
      const shown = await gql('{ viewer { business { rateLimitBudget { limit restoreRate custom } } } }', { headers: admin.headers })
      expect(shown.body.data.viewer.business.rateLimitBudget).toEqual({ limit: 30, restoreRate: 1, custom: true })
      // Signed-in people are not integrations: the admin's session still works, on its own bucket.
      expect(shown.headers.get('x-ratelimit-limit')).toBe('50000')
    } finally {
      await gql('mutation { setBusinessRateLimitBudget(input: {}) { limit } }', { headers: admin.headers })
    }
  })
})

describe('configuration', () => {
  it('refuses the retired GATEHOUSE_RATE_LIMIT_PER_MINUTE and names what replaced it', () => {
    expect(() => loadConfig({ GATEHOUSE_RATE_LIMIT_PER_MINUTE: '600' })).toThrow(/retired.*GATEHOUSE_COST_LIMIT.*GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE/)
  })

  it('with metering off still reports the price, without a bucket or headers', async () => {
    const off = await startInstance(server, { GATEHOUSE_COST_LIMIT: 0 })
    try {
      const response = await fetch(`${off.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...admin.headers },
        body: JSON.stringify({ query: `{ rateLimit { limit } ${TEN_JOBS.slice(1, -1)} }` }),
      })
      const body = await response.json()
      expect(body.data.rateLimit).toBeNull()
      expect(body.extensions.cost).toEqual({ requestedQueryCost: 12, actualQueryCost: 12 })
      expect(response.headers.get('x-ratelimit-limit')).toBeNull()
    } finally {
      await off.close()
    }
  })
})

describe('through Redis', () => {
  it('two instances share one bucket', async () => {
    const member = await memberWithBudget(30, 1)
    // Every test database numbers its businesses and members from 1, and they all share this Redis:
    // a run within the bucket's refill time of the last one would find its points spent.
    await forgetBucketsOf(member)
    const [a, b] = await Promise.all([startInstance(server, { REDIS_URL }), startInstance(server, { REDIS_URL })])
    try {
      const post = async (url: string) => {
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...xApiKey(member.primary.key) },
          body: JSON.stringify({ query: TEN_JOBS }),
        })
        return { status: response.status, remaining: response.headers.get('x-ratelimit-remaining') }
      }
      // Until an instance has connected it meters in process (commands fail fast): give both a moment.
      await sleep(500)
      const onA = await post(a.url)
      expect(onA).toEqual({ status: 200, remaining: expect.any(String) })
      expect(Number(onA.remaining)).toBeGreaterThanOrEqual(17)
      // A's spending shows on B: one bucket, not one per instance.
      const onB = await post(b.url)
      expect(onB.status).toBe(200)
      expect(Number(onB.remaining)).toBeLessThanOrEqual(Number(onA.remaining) - 12 + 1)
      expect((await post(a.url)).status).toBe(429)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })
})

/** Removes the member's cost buckets from the shared Redis (as a bucket never used). */
async function forgetBucketsOf(member: MemberWithKeys): Promise<void> {
  const redis = new Redis(REDIS_URL)
  try {
    const principalId = decodeGlobalId(member.globalId).id
    const keys = await redis.keys(`gatehouse:cost:{*}:${principalId}:*`)
    if (keys.length) await redis.del(...keys)
  } finally {
    redis.disconnect()
  }
}
