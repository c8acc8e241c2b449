import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/database.js'
import { WEBHOOK_CHANNEL } from '../../src/records/write/outbox.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ok } from '../setup/admin-client.js'
import { createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'
import { createTestDatabase } from '../setup/database.js'
import { eventually } from '../setup/eventually.js'
import { startReceiver } from './receiver.js'

/**
 * When a write tells the other instances (NOTIFY): only when its own process's loop cannot be
 * counted on to make its deliveries next. A write on an instance whose loop is between rounds is
 * not announced; should that instance die before its round, another instance's sweep delivers it,
 * and should it stop cleanly, it announces what it leaves. A write on an instance without a loop is
 * announced after its commit, and delivered at once; a burst of such writes is announced a few
 * times, not once per write. On PostgreSQL (the embedded database has one process).
 */

const onPostgres = Boolean(process.env.DATABASE_URL)
const cleanups: Array<() => Promise<unknown>> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
})

describe.skipIf(!onPostgres)('announcing deliveries to other instances', () => {
  it('only for writes its own loop will not take next; a dead instance\'s are swept, a stopped one\'s announced', async () => {
    const receiver = await startReceiver()
    cleanups.push(() => receiver.close())
    const env = { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1' }
    const database = await createTestDatabase({ poolSize: 4 })
    cleanups.push(() => database.close())
    const instance = async (extra: Record<string, string>) => {
      const server = await startTestServer({ ...env, ...extra }, { database: await openDatabase({ kind: 'postgres', url: database.url!, poolSize: 4 }) })
      cleanups.push(() => server.close())
      return server
    }
    // Two writers whose loops linger a second before a round: long enough to die or stop first.
    const dying = await instance({ GATEHOUSE_WEBHOOK_LINGER_MS: '1000' })
    const stopping = await instance({ GATEHOUSE_WEBHOOK_LINGER_MS: '1000' })
    const sweeper = await instance({})
    // Its announcements gather the commits of 250 ms (a quarter of the linger it is given).
    const loopless = await instance({ GATEHOUSE_WEBHOOK_WORKER: '0', GATEHOUSE_WEBHOOK_LINGER_MS: '1000' })
    const admin = await signInAsAdmin(dying)
    const member = await createMemberWithKeys(dying, admin)
    ok(await dying.graphql(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`, {
      variables: { i: { url: receiver.url('/announce'), events: ['supplier.created'], memberId: member.globalId } }, headers: admin.headers,
    }))
    const heard: string[] = []
    const listener = new pg.Client({ connectionString: database.url })
    await listener.connect()
    cleanups.push(() => listener.end())
    listener.on('notification', (message) => heard.push(message.channel))
    await listener.query(`listen ${WEBHOOK_CHANNEL}`)
    const write = (server: TestServer, name: string) =>
      server.graphql(`mutation($i: CreateSupplierInput!) { createSupplier(input: $i) { supplier { id } } }`, { variables: { i: { name } }, headers: admin.headers }).then(ok)
    // Deliveries the live loops made (the stopping writer's loop sweeps too, until it stops).
    const delivered = () => [sweeper, stopping].reduce((sum, server) => sum + (server.app.services.webhooks!.stats!().delivered ?? 0), 0)
    // A writer's start-up round is over and its loop waits between rounds: its ticket counts one round.
    const betweenRounds = (server: TestServer) => eventually(() => expect(server.app.services.webhooks!.ticket()).toBeGreaterThanOrEqual(1))

    // No NOTIFY; the instance dies (its database connections gone) before the round its write woke.
    await betweenRounds(dying)
    await write(dying, 'Unannounced')
    await dying.app.services.database.close()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(heard).toEqual([])
    // Another loop's sweep (at most 10 s apart; perhaps already) finds the delivery nobody announced.
    await eventually(() => expect(receiver.at('/announce')).toHaveLength(1), 15_000)
    await eventually(() => expect(delivered()).toBe(1))

    // No NOTIFY at the write; the instance stops cleanly before its round and announces what it leaves.
    await betweenRounds(stopping)
    await write(stopping, 'Left at a clean stop')
    expect(heard).toEqual([])
    await stopping.close()
    await eventually(() => expect(heard).toEqual([WEBHOOK_CHANNEL]), 2_000)
    await eventually(() => expect(receiver.at('/announce')).toHaveLength(2), 2_000)

    // No loop of its own: the write announces, and the other instance delivers at once.
    await write(loopless, 'Announced')
    await eventually(() => expect(heard).toEqual([WEBHOOK_CHANNEL, WEBHOOK_CHANNEL]), 2_000)
    await eventually(() => expect(receiver.at('/announce')).toHaveLength(3), 2_000)
    await eventually(() => expect(delivered()).toBe(3))

    // A burst of writes without a loop: one announcement answers for the writes that committed
    // before it was sent, and every event is delivered.
    await Promise.all(Array.from({ length: 20 }, (_, i) => write(loopless, `Burst ${i}`)))
    await eventually(() => expect(receiver.at('/announce')).toHaveLength(23), 5_000)
    // The sweeper's own timer may deliver before the first announcement is heard: wait for it.
    await eventually(() => expect(heard.length - 2).toBeGreaterThanOrEqual(1), 2_000)
    // Ten would take the twenty commits spreading over 2.5 s (ten gatherings of 250 ms).
    expect(heard.length - 2).toBeLessThanOrEqual(10)
    expect(receiver.at('/announce').map((r) => r.json.type)).toEqual(Array(23).fill('supplier.created'))
  }, 45_000)
})
