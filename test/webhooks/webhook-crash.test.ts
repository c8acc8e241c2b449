import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/database.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ok } from '../setup/admin-client.js'
import { createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'
import { createTestDatabase } from '../setup/database.js'
import { eventually } from '../setup/eventually.js'

/**
 * An instance that dies while a delivery is in flight (here: its database connections cut, so it
 * can never record the outcome): another instance on the same database sends the event again once
 * the claim's lease runs out, with the same webhook-id. On PostgreSQL (PGlite is one process: a
 * restart there goes through the same path, the start-up round and the lease timer).
 */

const onPostgres = Boolean(process.env.DATABASE_URL)
const ENV = { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1', GATEHOUSE_WEBHOOK_TIMEOUT_MS: '1000' }
const cleanups: Array<() => Promise<unknown> | unknown> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

describe.skipIf(!onPostgres)('an instance dying mid-delivery', () => {
  it('leaves the delivery to another instance after its lease, with the same webhook-id', async () => {
    // The receiver never answers its first request (in flight when the instance dies), then answers 204.
    const arrived: Array<{ id: string; answered: boolean }> = []
    const receiver = createServer((request, response) => {
      request.resume()
      const first = arrived.length === 0
      arrived.push({ id: String(request.headers['webhook-id']), answered: !first })
      if (!first) request.on('end', () => response.writeHead(204).end())
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => { receiver.closeAllConnections(); receiver.close(() => resolve()) }))

    const database = await createTestDatabase({ poolSize: 4 })
    const dying = await startTestServer(ENV, { database: await openDatabase({ kind: 'postgres', url: database.url!, poolSize: 4 }) })
    cleanups.push(() => dying.close().catch(() => {}))
    const admin = await signInAsAdmin(dying)
    const member = await createMemberWithKeys(dying, admin)
    const as = (server: TestServer, query: string, i: Record<string, unknown>) => server.graphql(query, { variables: { i }, headers: admin.headers }).then(ok)
    await as(dying, 'mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }', {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crash`, events: ['contact.created'], memberId: member.globalId,
    })
    await as(dying, 'mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id } } }', { type: 'CLIENT', firstName: 'Crash', lastName: 'Hook' })
    await eventually(() => expect(arrived).toHaveLength(1))
    await dying.app.services.database.close()

    const survivor = await startTestServer(ENV, { database })
    cleanups.push(() => survivor.close())
    await eventually(() => expect(arrived).toHaveLength(2), 15_000)
    expect(arrived[1]).toEqual({ id: arrived[0]!.id, answered: true })
    const delivery = await eventually(async () => {
      const row = await database.db.selectFrom('webhook_deliveries').select(['status', 'attempts']).executeTakeFirstOrThrow()
      expect(row.status).toBe('DELIVERED')
      return row
    })
    expect(delivery.attempts).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(arrived).toHaveLength(2)
  }, 30_000)
})
