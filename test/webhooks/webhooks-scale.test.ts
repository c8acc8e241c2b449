import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/database.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ok } from '../setup/admin-client.js'
import { type SignedIn, createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'
import { createTestDatabase } from '../setup/database.js'
import { ClaimCounter } from './claim-counter.js'
import { eventually } from '../setup/eventually.js'
import { startReceiver } from './receiver.js'

/**
 * Two Gatehouse instances on one PostgreSQL database share the outbox: every event of a few
 * hundred writes, made through both, reaches the receiver exactly once, in order per record, and
 * both instances' loops take part (FOR UPDATE SKIP LOCKED claims; a write wakes its own loop, and
 * NOTIFY wakes the other when its own loop is in a round).
 */

const RECORDS = 100
const ENV = { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1', GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '0.05,0.05', GATEHOUSE_WEBHOOK_TIMEOUT_MS: '5000' }

const onPostgres = Boolean(process.env.DATABASE_URL)
let servers: TestServer[] = []
const counters = [new ClaimCounter(), new ClaimCounter()]
let receiver: Awaited<ReturnType<typeof startReceiver>>
let admins: SignedIn[] = []

beforeAll(async () => {
  if (!onPostgres) return
  receiver = await startReceiver()
  const first = await createTestDatabase({ poolSize: 10 })
  const second = await openDatabase({ kind: 'postgres', url: first.url!, poolSize: 10 })
  servers = [await startTestServer(ENV, { database: first, plugins: [counters[0]!] }), await startTestServer(ENV, { database: second, plugins: [counters[1]!] })]
  admins = await Promise.all(servers.map((server) => signInAsAdmin(server)))
  const member = await createMemberWithKeys(servers[0]!, admins[0]!)
  ok(await servers[0]!.graphql(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`, {
    variables: { i: { url: receiver.url('/scale'), events: ['contact.created', 'contact.updated', 'contact.deleted'], memberId: member.globalId } },
    headers: admins[0]!.headers,
  }))
}, 60_000)
afterAll(async () => {
  // The second handle shares the first's database, which the first drops: close it first.
  for (const server of [...servers].reverse()) await server.close()
  await receiver?.close()
})

describe.skipIf(!onPostgres)('webhooks on two instances', () => {
  it('deliver each of a few hundred events exactly once, in order per record', async () => {
    const write = (i: number, query: string, input: Record<string, unknown>) =>
      servers[i % 2]!.graphql(query, { variables: { i: input }, headers: admins[i % 2]!.headers }).then(ok)
    const ids: string[] = []
    for (let batch = 0; batch < RECORDS; batch += 10) {
      const made = await Promise.all(Array.from({ length: 10 }, (_, k) => write(batch + k, `mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id } } }`,
        { type: 'CLIENT', firstName: `Scale ${batch + k}`, lastName: 'Test' })))
      ids.push(...made.map((data) => data.createContact.contact.id))
    }
    for (let batch = 0; batch < RECORDS; batch += 10) {
      await Promise.all(ids.slice(batch, batch + 10).map(async (id, k) => {
        await write(batch + k + 1, `mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { version } } }`, { id, expectedVersion: 1, company: 'Scaled' })
        await write(batch + k, `mutation($i: DeleteContactInput!) { deleteContact(input: $i) { version } }`, { id, expectedVersion: 2 })
      }))
    }
    const total = RECORDS * 3
    await eventually(() => expect(receiver.at('/scale').length).toBeGreaterThanOrEqual(total), 20_000)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const got = receiver.at('/scale')
    expect(got).toHaveLength(total)
    expect(new Set(got.map((request) => request.headers['webhook-id'])).size).toBe(total)
    const versions = new Map<string, number[]>()
    for (const { json } of got) versions.set(json.data.id, [...(versions.get(json.data.id) ?? []), json.data.version])
    expect(versions.size).toBe(RECORDS)
    for (const seen of versions.values()) expect(seen).toEqual([1, 2, 3])
    expect(counters[0]!.claimed + counters[1]!.claimed).toBe(total)
    expect(counters[0]!.claimed).toBeGreaterThan(0)
    expect(counters[1]!.claimed).toBeGreaterThan(0)
  }, 60_000)
})
