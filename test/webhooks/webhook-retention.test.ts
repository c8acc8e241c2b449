import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestServer, startTestServer } from '../setup/app.js'
import { decodeId, ok } from '../setup/admin-client.js'
import { type SignedIn, createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'
import { eventually } from '../setup/eventually.js'
import { startReceiver } from './receiver.js'

/**
 * Outbox retention (GATEHOUSE_WEBHOOK_RETENTION_SECONDS, here 10 s, pruned every 5 s): a finished
 * event older than that goes, with its deliveries and attempts; an event with a delivery still
 * pending (a retry waiting) stays whatever its age, and so does a recent one. Age comes from
 * back-dating the first events by an hour rather than from waiting: with a 2 s retention a loaded
 * CI machine once took longer than that to deliver the "recent" event, and the pruner took it.
 */

let server: TestServer
let receiver: Awaited<ReturnType<typeof startReceiver>>
let admin: SignedIn
const as = (query: string, i: Record<string, unknown> = {}) => server.graphql(query, { variables: { i }, headers: admin.headers }).then(ok)

beforeAll(async () => {
  receiver = await startReceiver()
  // A failed delivery waits a minute for its retry: pending all through the test.
  server = await startTestServer({ GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1', GATEHOUSE_WEBHOOK_RETENTION_SECONDS: '10', GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '60' })
  admin = await signInAsAdmin(server)
})
afterAll(async () => {
  await server?.close()
  await receiver?.close()
})

describe('outbox retention', () => {
  it('prunes finished events past the retention, keeps pending and recent ones', async () => {
    const member = await createMemberWithKeys(server, admin)
    const create = (path: string, events: string[]) =>
      as(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { id } } }`,
        { url: receiver.url(path), events, memberId: member.globalId }).then((data) => data.createWebhookEndpoint.endpoint.id as string)
    await create('/kept-short', ['supplier.created'])
    const failing = await create('/failing', ['contact.created'])
    receiver.failNext('/failing', 1_000)

    await as(`mutation { createSupplier(input: {name: "Old Supplies"}) { supplier { id } } }`)
    await as(`mutation { createContact(input: {type: CLIENT, firstName: "Waiting", lastName: "Contact"}) { contact { id } } }`)
    await eventually(() => expect(receiver.at('/kept-short')).toHaveLength(1))
    const db = server.app.services.database.db
    const events = () => db.selectFrom('webhook_events').select(['type', 'business_id']).orderBy('id').execute()
    const count = async (table: 'webhook_deliveries' | 'webhook_attempts') => Number((await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    expect((await events()).map((e) => e.type)).toEqual(['supplier.created', 'contact.created'])
    await eventually(async () => expect(await count('webhook_attempts')).toBe(2))

    // An hour old (events, deliveries and their attempts alike): a pruning round later the delivered
    // event is gone with its rows, and the one still pending stays.
    await db.updateTable('webhook_events').set({ occurred_at: sql`occurred_at - interval '1 hour'` }).execute()
    await db.updateTable('webhook_deliveries').set({ created_at: sql`created_at - interval '1 hour'`, last_attempt_at: sql`last_attempt_at - interval '1 hour'` }).execute()
    await eventually(async () => expect((await events()).map((e) => e.type)).toEqual(['contact.created']), 15_000)
    await as(`mutation { createSupplier(input: {name: "New Supplies"}) { supplier { id } } }`)
    await eventually(() => expect(receiver.at('/kept-short')).toHaveLength(2))
    expect((await events()).map((e) => e.type)).toEqual(['contact.created', 'supplier.created'])
    // The failing endpoint's delivery and the fresh one's; the old delivery's attempt is gone.
    expect(await count('webhook_deliveries')).toBe(2)
    expect(await db.selectFrom('webhook_deliveries').select('status').where('endpoint_id', '=', decodeId(failing)).execute()).toEqual([{ status: 'PENDING' }])
    const attempts = () => db.selectFrom('webhook_attempts').innerJoin('webhook_deliveries as d', (j) => j.onRef('d.business_id', '=', 'webhook_attempts.business_id').onRef('d.id', '=', 'webhook_attempts.delivery_id'))
      .innerJoin('webhook_events as ev', (j) => j.onRef('ev.business_id', '=', 'd.business_id').onRef('ev.id', '=', 'd.event_id')).select('ev.type').execute()
    // The receiver has the fresh event before the loop records its attempt.
    await eventually(async () => expect((await attempts()).map((a) => a.type).sort()).toEqual(['contact.created', 'supplier.created']))
  }, 40_000)
})
