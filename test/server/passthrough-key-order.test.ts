import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestServer, startTestServer } from '../setup/app.js'
import { type MemberWithKeys, type SignedIn, createMemberWithKeys, signInAsAdmin, xApiKey } from '../setup/clients.js'
import { loadIntoBusiness } from '../setup/factories.js'
import { startInstance } from './server-helpers.js'

/**
 * Wherever the pass-through read answers, the HTTP body must be byte-identical to what execution
 * answers, and in the lean lane execution is graphql-jit, whose key order differs from graphql-js's
 * collectFields once fragments or @skip/@include are involved (a selection's own fields before its
 * fragments', sibling fragments last first). The read property test compares with graphql-js, so
 * these documents are checked here, over HTTP, against a server without the lane. The pass-through
 * follows jit's order (records/read/field-order.ts); a directive on a fragment it declines (jit then
 * answers other data than graphql-js would).
 */

let server: TestServer
let yogaOnly: Awaited<ReturnType<typeof startInstance>>
let admin: SignedIn
let reader: MemberWithKeys
let jobId: string

beforeAll(async () => {
  server = await startTestServer({ GATEHOUSE_REQUEST_TIMEOUT_MS: '10000' })
  yogaOnly = await startInstance(server, { GATEHOUSE_LEAN_HTTP: false })
  admin = await signInAsAdmin(server)
  await loadIntoBusiness(server.app.services.database.db, admin, {
    seed: 11,
    sizes: { salesReps: 2, contacts: 6, suppliers: 2, jobs: 8, salesOrdersPerJob: 1, purchaseOrdersPerJob: 1, linesPerOrder: 2 },
  })
  reader = await createMemberWithKeys(server, admin)
  const jobs = await server.graphql('{ jobs(first: 1) { nodes { id } } }', { headers: admin.headers })
  jobId = jobs.body.data.jobs.nodes[0].id
})
afterAll(async () => {
  await yogaOnly?.close()
  await server?.close()
})

async function body(url: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...xApiKey(reader.primary.key) },
    body: JSON.stringify({ query, variables }),
  })
  return (await response.text()).replace(/"currentlyAvailable":\d+/, '"currentlyAvailable":"…"')
}

/** [name, document, whether the pass-through answers it] */
const documents: Array<[string, string, boolean]> = [
  ['a fragment spread before a field', 'query A($id: ID!) { job(id: $id) { ...JobName id } } fragment JobName on Job { name number }', true],
  ['two fragment spreads', 'query B($id: ID!) { job(id: $id) { ...JobId ...JobName } } fragment JobId on Job { id } fragment JobName on Job { name }', true],
  ['an inline fragment before a field', 'query C($id: ID!) { job(id: $id) { ... on Job { name } id } }', true],
  ['a field first excluded, then selected', 'query D($id: ID!, $no: Boolean = false) { job(id: $id) { name @include(if: $no) id name } }', true],
  ['fragments in a page', 'query E { jobs(first: 2) { ...Page totalCount } } fragment Page on JobConnection { nodes { id } }', true],
  ['a fragment at the root', 'query F { ...Root } fragment Root on Query { jobs(first: 2) { totalCount } }', true],
  ['a fragment skipped where first spread', 'query H($id: ID!, $no: Boolean = false) { job(id: $id) { ...JobName @include(if: $no) id ...JobName } } fragment JobName on Job { name }', false],
  ['a field selected twice, plainly', 'query G($id: ID!) { job(id: $id) { name id name client { name } } jobs(first: 2) { totalCount nodes { id } totalCount } }', true],
]

describe('the pass-through read, against graphql-jit execution', () => {
  it.each(documents)('answers %s with the bytes execution answers', async (_name, query, passes) => {
    const variables = { id: jobId }
    // Twice each: the first request teaches the lean lane the document.
    await body(server.url, query, variables)
    await body(yogaOnly.url, query, variables)
    const before = server.app.laneStats()!.passedThrough
    const lane = await body(server.url, query, variables)
    const passed = server.app.laneStats()!.passedThrough - before
    const executed = await body(yogaOnly.url, query, variables)
    expect(passed, passes ? 'the pass-through answered' : 'the pass-through declined').toBe(passes ? 1 : 0)
    expect(lane).toBe(executed)
  })
})
