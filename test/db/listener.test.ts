import { sql } from 'kysely'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { type Listener, openListener } from '../../src/db/listener.js'
import { openDatabase } from '../../src/db/database.js'
import { INVALIDATION_CHANNEL } from '../../src/access/credentials/invalidation.js'
import { WEBHOOK_CHANNEL } from '../../src/records/write/outbox.js'
import { startTestServer } from '../setup/app.js'
import { ok } from '../setup/admin-client.js'
import { createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'
import { createTestDatabase } from '../setup/database.js'
import { eventually } from '../setup/eventually.js'
import { startReceiver } from '../webhooks/receiver.js'

/**
 * The process's one LISTEN connection (src/db/listener.ts), on a real PostgreSQL: channels of
 * several subscribers on one connection, a dropped connection (its backend terminated) reported and
 * replaced, the subscribers told to re-sync; and the webhook loop, whose wake-up was announced
 * while its listener was down, delivers anyway once it is back.
 */

const onPostgres = Boolean(process.env.DATABASE_URL)
const cleanups: Array<() => Promise<unknown>> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})
const silent = pino({ level: 'silent' })

describe.skipIf(!onPostgres)('the LISTEN connection of a process', () => {
  it('carries several channels on one connection, and after a drop reconnects and tells its subscribers', async () => {
    const database = await createTestDatabase({ poolSize: 2 })
    cleanups.push(() => database.close())
    const listener: Listener = await openListener({ url: database.url!, log: silent })
    cleanups.push(() => listener.close())
    const heard: string[] = []
    const resets: string[] = []
    const stopWebhooks = await listener.subscribe(WEBHOOK_CHANNEL, { onMessage: (p) => heard.push(`webhooks:${p}`), onReset: (why) => resets.push(`webhooks:${why}`) })
    await listener.subscribe(INVALIDATION_CHANNEL, { onMessage: (p) => heard.push(`invalidate:${p}`), onReset: (why) => resets.push(`invalidate:${why}`) })
    const notify = (channel: string, payload: string) => sql`select pg_notify(${channel}, ${payload})`.execute(database.db)
    const connections = async () => (await sql<{ pid: number }>`select pid from pg_stat_activity
      where datname = current_database() and application_name = 'gatehouse-listen'`.execute(database.db)).rows

    expect(await connections()).toHaveLength(1)
    await notify(WEBHOOK_CHANNEL, 'one')
    await notify(INVALIDATION_CHANNEL, 'two')
    await eventually(() => expect(heard).toEqual(['webhooks:one', 'invalidate:two']))
    // Its own heartbeats confirm everything committed before they were sent.
    const committed = Date.now()
    await eventually(() => expect(listener.confirmedUpTo()).toBeGreaterThan(committed), 3_000)
    expect(listener.healthy).toBe(true)
    // (The first heartbeat after connecting said `restored` too: the LISTENs are in effect.)
    expect(resets).toEqual(['webhooks:restored', 'invalidate:restored'])
    resets.length = 0

    await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'gatehouse-listen'`.execute(database.db)
    await eventually(() => expect(listener.healthy).toBe(false))
    expect(resets).toEqual(['webhooks:lost', 'invalidate:lost'])
    await eventually(() => expect(listener.healthy).toBe(true), 5_000)
    await eventually(() => expect(resets.filter((r) => r.endsWith(':restored')).length).toBeGreaterThanOrEqual(2), 5_000)
    expect(await connections()).toHaveLength(1)

    // Both channels are listened to again; one unsubscribed is not.
    await stopWebhooks()
    await notify(WEBHOOK_CHANNEL, 'three')
    await notify(INVALIDATION_CHANNEL, 'four')
    await eventually(() => expect(heard.at(-1)).toBe('invalidate:four'))
    expect(heard).toEqual(['webhooks:one', 'invalidate:two', 'invalidate:four'])
  }, 20_000)

  it('a webhook announced while the loop could not hear is delivered once its listener is back', async () => {
    const receiver = await startReceiver()
    cleanups.push(() => receiver.close())
    const env = { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1' }
    const database = await createTestDatabase({ poolSize: 4 })
    // The writer delivers nothing itself: only the other instance's loop can send.
    const writer = await startTestServer({ ...env, GATEHOUSE_WEBHOOK_WORKER: '0' }, { database })
    cleanups.push(() => writer.close())
    const deliverer = await startTestServer(env, { database: await openDatabase({ kind: 'postgres', url: database.url!, poolSize: 4 }) })
    cleanups.push(() => deliverer.close())
    const admin = await signInAsAdmin(writer)
    const member = await createMemberWithKeys(writer, admin)
    const write = (query: string) => writer.graphql(query, { headers: admin.headers }).then(ok)
    ok(await writer.graphql(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`, {
      variables: { i: { url: receiver.url('/resync'), events: ['supplier.created'], memberId: member.globalId } }, headers: admin.headers,
    }))
    await write(`mutation { createSupplier(input: {name: "Heard"}) { supplier { id } } }`)
    await eventually(() => expect(receiver.at('/resync')).toHaveLength(1))

    // Every LISTEN connection cut: the NOTIFY of the next write reaches nobody.
    const db = writer.app.services.database.db
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'gatehouse-listen'`.execute(db)
    await write(`mutation { createSupplier(input: {name: "Unheard"}) { supplier { id } } }`)
    // Within 7 s: the loops' sweep (10 s after the round that made the first) must not be what finds it.
    await eventually(() => expect(receiver.at('/resync')).toHaveLength(2), 7_000)
    expect(receiver.at('/resync').map((r) => r.json.type)).toEqual(['supplier.created', 'supplier.created'])
  }, 30_000)
})
