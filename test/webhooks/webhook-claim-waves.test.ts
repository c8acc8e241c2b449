import { sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { claimDue } from '../../src/webhooks/deliveries.repository.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ok } from '../setup/admin-client.js'
import { createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'
import { eventually } from '../setup/eventually.js'
import { ClaimCounter } from './claim-counter.js'
import { startReceiver } from './receiver.js'

/**
 * A claim takes several batches of an endpoint's deliveries at once: no more than
 * `claimedPerEndpoint` for an endpoint, counting live claims, each leased for `leaseSeconds` (the
 * first server runs no loop, GATEHOUSE_WEBHOOK_WORKER=0: the test claims itself). A slow
 * endpoint's lanes start no attempt later than a second into the batch: what they leave is given
 * back, claimed again and delivered once, with one attempt counted.
 */

let server: TestServer

beforeAll(async () => {
  server = await startTestServer({ GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1', GATEHOUSE_WEBHOOK_WORKER: '0' })
}, 60_000)
afterAll(async () => {
  await server?.close()
})

it('claims up to the cap per endpoint, live claims counted, each for the lease', async () => {
  const admin = await signInAsAdmin(server)
  const member = await createMemberWithKeys(server, admin)
  const as = (query: string, i: Record<string, unknown>) => server.graphql(query, { variables: { i }, headers: admin.headers }).then(ok)
  await as(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`,
    { url: 'http://127.0.0.1:9/waves', events: ['supplier.created'], memberId: member.globalId })
  for (let i = 0; i < 12; i++) await as(`mutation($i: CreateSupplierInput!) { createSupplier(input: $i) { supplier { id } } }`, { name: `Wave ${i}` })

  const { db } = server.app.services.database
  const options = { limit: 64, claimedPerEndpoint: 10, leaseSeconds: 16 }
  const claimed = await claimDue(db, options)
  expect(claimed).toHaveLength(10)
  const { rows } = await sql<{ id: string; lease: number }>`
    select id::text, extract(epoch from claimed_until - now())::float8 as lease
    from webhook_deliveries d where claimed_until is not null order by d.id`.execute(db)
  // The ten oldest, each for 16 s from the claim (a moment ago).
  expect(rows.map((row) => row.id)).toEqual(claimed.map((one) => one.id).sort((a, b) => Number(a) - Number(b)))
  for (const { lease } of rows) expect(lease).toBeGreaterThan(13)
  for (const { lease } of rows) expect(lease).toBeLessThanOrEqual(16)
  // The ten live claims fill the endpoint's cap: the two left wait for them.
  expect(await claimDue(db, options)).toHaveLength(0)
  expect(await claimDue(db, { ...options, claimedPerEndpoint: 12 })).toHaveLength(2)
})

it('gives back what a slow endpoint could not start within a second, and claims it again: each delivered once, one attempt each', async () => {
  const receiver = await startReceiver({ holdMs: 1_500 })
  const claims = new ClaimCounter()
  // The writes gather for a second before the round: all twelve are in its one claim.
  const looped = await startTestServer({ GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1', GATEHOUSE_WEBHOOK_LINGER_MS: '1000' }, { plugins: [claims] })
  try {
    const admin = await signInAsAdmin(looped)
    const member = await createMemberWithKeys(looped, admin)
    const as = (query: string, i: Record<string, unknown>) => looped.graphql(query, { variables: { i }, headers: admin.headers }).then(ok)
    await as(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`,
      { url: receiver.url('/slow'), events: ['supplier.created'], memberId: member.globalId })
    // The start-up round is over (a ticket counts it): the writes' wake starts the next one.
    await eventually(() => expect(looped.app.services.webhooks!.ticket()).toBeGreaterThanOrEqual(1))
    await Promise.all(Array.from({ length: 12 }, (_, i) => as(`mutation($i: CreateSupplierInput!) { createSupplier(input: $i) { supplier { id } } }`, { name: `Slow ${i}` })))
    await eventually(() => expect(receiver.at('/slow').filter((request) => request.answeredAt !== undefined)).toHaveLength(12), 15_000)
    const got = receiver.at('/slow')
    expect(new Set(got.map((request) => request.headers['webhook-id'])).size).toBe(12)
    // Eight went at once; those the lanes could not start within the second were given back and
    // claimed again, and went after the first eight were answered (all twelve in the first claim:
    // four given back, sixteen claimed; a loaded machine may split the writes over two claims).
    const givenBack = claims.claimed - 12
    expect(givenBack).toBeGreaterThanOrEqual(1)
    expect(givenBack).toBeLessThanOrEqual(4)
    const firstAnswered = Math.min(...got.map((request) => request.answeredAt!))
    expect(got.filter((request) => request.arrivedAt >= firstAnswered).length).toBeGreaterThanOrEqual(givenBack)
    const edges = got.flatMap((request) => [[request.arrivedAt, 1], [request.answeredAt!, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1])
    let open = 0
    let most = 0
    for (const [, step] of edges) most = Math.max(most, (open += step))
    expect(most).toBe(8)
    const { db } = looped.app.services.database
    await eventually(async () => {
      const { rows } = await sql<{ attempts: number; status: string; made: number }>`
        select d.attempts, d.status, (select count(*)::int from webhook_attempts a where a.business_id = d.business_id and a.delivery_id = d.id) as made
        from webhook_deliveries d`.execute(db)
      expect(rows).toHaveLength(12)
      expect(rows.every((row) => row.attempts === 1 && row.status === 'DELIVERED' && row.made === 1)).toBe(true)
    })
  } finally {
    await looped.close()
    await receiver.close()
  }
}, 40_000)
