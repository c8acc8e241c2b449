import { afterAll, beforeAll, expect, it } from 'vitest'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ok } from '../setup/admin-client.js'
import { type SignedIn, createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'
import { ClaimCounter } from './claim-counter.js'
import { eventually } from '../setup/eventually.js'
import { startReceiver } from './receiver.js'

/**
 * Burst delivery against a slow receiver (each answer held 80 ms): a round claims many deliveries
 * at once and makes them concurrently, at most 8 at a time to one endpoint, never two of one record
 * at once, each record's events in order, and a claim serves several deliveries.
 */

const RECORDS = 12
const HOLD_MS = 80

let server: TestServer
let admin: SignedIn
let receiver: Awaited<ReturnType<typeof startReceiver>>
const claims = new ClaimCounter()

beforeAll(async () => {
  receiver = await startReceiver({ holdMs: HOLD_MS })
  server = await startTestServer({ GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1' }, { plugins: [claims] })
  admin = await signInAsAdmin(server)
  const member = await createMemberWithKeys(server, admin)
  ok(await server.graphql(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`, {
    variables: { i: { url: receiver.url('/burst'), events: ['contact.created', 'contact.updated'], memberId: member.globalId } },
    headers: admin.headers,
  }))
}, 60_000)
afterAll(async () => {
  await server?.close()
  await receiver?.close()
})

it('delivers a burst concurrently, at most 8 at once to the endpoint, one at a time and in order per record', async () => {
  const write = (query: string, input: Record<string, unknown>) => server.graphql(query, { variables: { i: input }, headers: admin.headers }).then(ok)
  const created = await Promise.all(Array.from({ length: RECORDS }, (_, i) =>
    write(`mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id } } }`, { type: 'CLIENT', firstName: `Burst ${i}`, lastName: 'Test' })))
  const ids = created.map((data) => data.createContact.contact.id as string)
  for (const version of [1, 2]) {
    await Promise.all(ids.map((id) => write(`mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { version } } }`,
      { id, expectedVersion: version, company: `Burst v${version + 1}` })))
  }
  const total = RECORDS * 3
  await eventually(() => expect(receiver.at('/burst').filter((request) => request.answeredAt !== undefined)).toHaveLength(total), 20_000)
  const got = receiver.at('/burst')
  expect(new Set(got.map((request) => request.headers['webhook-id'])).size).toBe(total)

  // Concurrency over the endpoint: how many requests were open at once, at most.
  const edges = got.flatMap((request) => [[request.arrivedAt, 1], [request.answeredAt!, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let open = 0
  let most = 0
  for (const [, step] of edges) most = Math.max(most, (open += step))
  expect(most).toBeGreaterThan(1)
  expect(most).toBeLessThanOrEqual(8)

  for (const id of ids) {
    const ofRecord = got.filter((request) => request.json.data.id === id)
    expect(ofRecord.map((request) => request.json.data.version)).toEqual([1, 2, 3])
    // The next event of a record arrives only after the one before it was answered.
    for (let i = 1; i < ofRecord.length; i++) expect(ofRecord[i]!.arrivedAt).toBeGreaterThanOrEqual(ofRecord[i - 1]!.answeredAt!)
  }
  // A claim serves several deliveries (the per-record rule leaves 12 heads due at a time).
  expect(claims.claimed).toBe(total)
  expect(claims.statements).toBeLessThanOrEqual(total / 2)
}, 30_000)
