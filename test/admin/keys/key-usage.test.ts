import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestServer, startTestServer } from '../../setup/app.js'
import { type SignedIn, createMemberWithKeys, signInAsAdmin, xApiKey } from '../../setup/clients.js'
import { startInstance } from '../../server/server-helpers.js'

/**
 * Per-key usage end to end: requests, errors and rate-limited requests per key per day, counted in
 * memory, written in batches (a statement per flush, not per request), read by admins on ApiKey.
 */

/** Counts the statements that write usage rows. */
class UsageWrites implements KyselyPlugin {
  count = 0
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node
    if (node.kind === 'InsertQueryNode' && node.into?.table.identifier.name === 'api_key_usage') this.count++
    return node
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result
  }
}

const writes = new UsageWrites()
let server: TestServer
let admin: SignedIn

beforeAll(async () => {
  server = await startTestServer({ GATEHOUSE_USAGE_FLUSH_SECONDS: '1' }, { plugins: [writes] })
  admin = await signInAsAdmin(server)
})
afterAll(() => server?.close())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const today = () => new Date().toISOString().slice(0, 10)

async function usageOf(memberGlobalId: string) {
  const answer = await server.graphql(
    `query($owner: ID!) { apiKeys(filter: { ownerId: $owner }) { nodes { publicKey usage { day requests errors rateLimited } } } }`,
    { headers: admin.headers, variables: { owner: memberGlobalId } },
  )
  expect(answer.body.errors).toBeUndefined()
  return new Map((answer.body.data.apiKeys.nodes as Array<{ publicKey: string; usage: unknown[] }>).map((key) => [key.publicKey, key.usage]))
}

async function until(check: () => Promise<boolean>, timeoutMs = 8_000) {
  const started = Date.now()
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('not within the time allowed')
    await sleep(100)
  }
}

describe('per-key usage', () => {
  it('counts requests, errors and rate-limited requests per key per day, written in batches', async () => {
    const member = await createMemberWithKeys(server, admin)
    // A bucket of 30 points: reads that ask for 12 (and, with no jobs, are given back 10) fit; one
    // that asks for 30 no longer does.
    await server.graphql('mutation($input: SetRateLimitBudgetInput!) { setRateLimitBudget(input: $input) { limit } }', {
      headers: admin.headers,
      variables: { input: { principalId: member.globalId, limit: 30, restoreRate: 1 } },
    })
    const primary = xApiKey(member.primary.key)
    const writesBefore = writes.count
    const read = '{ jobs(first: 10) { nodes { id number } } }'
    for (let i = 0; i < 2; i++) expect((await server.graphql(read, { headers: primary })).status).toBe(200)
    // The read-only role may not create: an error answered with 200.
    const refused = await server.graphql('mutation { createJob(input: { name: "x", clientId: "Q29udGFjdDox" }) { job { id } } }', { headers: primary })
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    for (let i = 0; i < 3; i++) expect((await server.graphql('{ jobs(first: 28) { nodes { id } } }', { headers: primary })).status).toBe(429)
    expect((await server.graphql(read, { headers: xApiKey(member.secondary.key) })).status).toBe(200)

    await until(async () => ((await usageOf(member.globalId)).get(member.secondary.publicKey)?.length ?? 0) > 0)
    const usage = await usageOf(member.globalId)
    expect(usage.get(member.primary.publicKey)).toEqual([{ day: today(), requests: 6, errors: 1, rateLimited: 3 }])
    expect(usage.get(member.secondary.publicKey)).toEqual([{ day: today(), requests: 1, errors: 0, rateLimited: 0 }])
    // Seven requests of two keys, one or two flushes: never a write per request.
    expect(writes.count - writesBefore).toBeLessThanOrEqual(2)
  })

  it('counts requests refused for their network, and sessions and bad keys not at all', async () => {
    const member = await createMemberWithKeys(server, admin)
    await server.graphql('mutation($input: UpdateApiKeysInput!) { updateApiKeys(input: $input) { publicKey } }', {
      headers: admin.headers,
      variables: { input: { memberId: member.globalId, allowedNetworks: ['192.0.2.0/24'] } },
    })
    expect((await server.graphql('{ __typename }', { headers: xApiKey(member.primary.key) })).status).toBe(403)
    await until(async () => ((await usageOf(member.globalId)).get(member.primary.publicKey)?.length ?? 0) > 0)
    expect((await usageOf(member.globalId)).get(member.primary.publicKey)).toEqual([{ day: today(), requests: 1, errors: 1, rateLimited: 0 }])
    const rows = await server.app.services.database.db.selectFrom('api_key_usage').select('key_id').where('business_id', '=', admin.businessId).execute()
    // Only keys appear: the admin's session made most of the requests of this file.
    const keyIds = new Set((await server.app.services.database.db.selectFrom('api_keys').select('id').execute()).map((key) => key.id))
    expect(rows.every((row) => keyIds.has(row.key_id))).toBe(true)
  })

  it('writes what is still in memory when the server stops', async () => {
    const member = await createMemberWithKeys(server, admin)
    const instance = await startInstance(server, { GATEHOUSE_USAGE_FLUSH_SECONDS: 3_600 })
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${instance.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...xApiKey(member.primary.key) },
        body: JSON.stringify({ query: '{ __typename }' }),
      })
      expect(response.status).toBe(200)
    }
    expect((await usageOf(member.globalId)).get(member.primary.publicKey)).toEqual([])
    await instance.close()
    expect((await usageOf(member.globalId)).get(member.primary.publicKey)).toEqual([{ day: today(), requests: 3, errors: 0, rateLimited: 0 }])
  })
})
