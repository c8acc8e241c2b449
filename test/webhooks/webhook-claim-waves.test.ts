import { sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { claimDue } from '../../src/webhooks/deliveries.repository.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ok } from '../setup/admin-client.js'
import { createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'

/**
 * A claim takes several waves of an endpoint's deliveries at once, and leases each for its place:
 * the first `inFlightPerEndpoint` (by id) for one attempt, the next for two, and so on, plus the
 * margin; no more than `claimedPerEndpoint` are claimed for an endpoint, counting live claims.
 * The server runs no loop (GATEHOUSE_WEBHOOK_WORKER=0): the test claims itself.
 */

let server: TestServer

beforeAll(async () => {
  server = await startTestServer({ GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1', GATEHOUSE_WEBHOOK_WORKER: '0' })
}, 60_000)
afterAll(async () => {
  await server?.close()
})

it('leases each wave one attempt longer than the one before, and claims up to the cap per endpoint', async () => {
  const admin = await signInAsAdmin(server)
  const member = await createMemberWithKeys(server, admin)
  const as = (query: string, i: Record<string, unknown>) => server.graphql(query, { variables: { i }, headers: admin.headers }).then(ok)
  await as(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`,
    { url: 'http://127.0.0.1:9/waves', events: ['supplier.created'], memberId: member.globalId })
  for (let i = 0; i < 12; i++) await as(`mutation($i: CreateSupplierInput!) { createSupplier(input: $i) { supplier { id } } }`, { name: `Wave ${i}` })

  const { db } = server.app.services.database
  const options = { limit: 64, claimedPerEndpoint: 10, inFlightPerEndpoint: 4, attemptSeconds: 10, marginSeconds: 5 }
  const claimed = await claimDue(db, options)
  expect(claimed).toHaveLength(10)
  const { rows } = await sql<{ id: string; lease: number }>`
    select id::text, round(extract(epoch from claimed_until - now()))::int as lease
    from webhook_deliveries d where claimed_until is not null order by d.id`.execute(db)
  expect(rows.map((row) => row.id)).toEqual(claimed.map((one) => one.id).sort((a, b) => Number(a) - Number(b)))
  // Rounded to the second: the statement ran a moment ago.
  expect(rows.map((row) => row.lease)).toEqual([15, 15, 15, 15, 25, 25, 25, 25, 35, 35])
  // The ten live claims fill the endpoint's cap: the two left wait for them.
  expect(await claimDue(db, options)).toHaveLength(0)
  expect(await claimDue(db, { ...options, claimedPerEndpoint: 12 })).toHaveLength(2)
})
