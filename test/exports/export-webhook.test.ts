import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type TestServer, startTestServer } from '../setup/app.js'
import { type MemberWithKeys, type SignedIn, createMemberWithKeys, signInAsAdmin, xApiKey } from '../setup/clients.js'
import { loadIntoBusiness } from '../setup/factories.js'
import { ClaimCounter } from '../webhooks/claim-counter.js'
import { eventually } from '../setup/eventually.js'
import { startReceiver } from '../webhooks/receiver.js'
import { startExport, waitForExport } from './export-helpers.js'

/**
 * `bulk_export.finished` goes through the webhook outbox to the endpoints of the member that
 * started the export, signed like every delivery; an endpoint of another member of the business,
 * subscribed to the same event, never hears of it.
 */

let server: TestServer
let admin: SignedIn
let owner: MemberWithKeys
let other: MemberWithKeys
let late: MemberWithKeys
const claims = new ClaimCounter()
const endpoints: Record<string, string> = {}
let receiver: Awaited<ReturnType<typeof startReceiver>>
const secrets: Record<string, string> = {}
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-export-hook-'))

async function endpoint(member: MemberWithKeys, path: string) {
  const { body } = await server.graphql(
    'mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret endpoint { id } } }',
    { headers: admin.headers, variables: { i: { url: receiver.url(path), events: ['bulk_export.finished'], memberId: member.globalId } } },
  )
  expect(body.errors).toBeUndefined()
  secrets[path] = body.data.createWebhookEndpoint.secret
  endpoints[path] = body.data.createWebhookEndpoint.endpoint.id
}

beforeAll(async () => {
  receiver = await startReceiver()
  server = await startTestServer({ GATEHOUSE_EXPORT_DIR: dir, GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1', GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '60' }, { plugins: [claims] })
  admin = await signInAsAdmin(server)
  await loadIntoBusiness(server.app.services.database.db, admin, {
    seed: 18,
    sizes: { salesReps: 1, contacts: 5, suppliers: 1, jobs: 20, salesOrdersPerJob: 1, purchaseOrdersPerJob: 0, linesPerOrder: 1 },
  })
  owner = await createMemberWithKeys(server, admin)
  other = await createMemberWithKeys(server, admin)
  late = await createMemberWithKeys(server, admin)
  await endpoint(owner, '/owner')
  await endpoint(other, '/other')
  await endpoint(late, '/late')
}, 120_000)
afterAll(async () => {
  await server?.close()
  await receiver?.close()
  rmSync(dir, { recursive: true, force: true })
})

it('announces a completed and a canceled export to its own member only, signed', async () => {
  const headers = xApiKey(owner.primary.key)
  const started = await startExport(server, headers, '{ jobs { nodes { number } } }')
  const id = started.body.data.startBulkExport.id
  expect((await waitForExport(server, headers, id)).status).toBe('COMPLETED')
  const first = await eventually(() => {
    const [request] = receiver.at('/owner')
    expect(request).toBeDefined()
    return request!
  })
  expect(first.json).toMatchObject({ type: 'bulk_export.finished', data: { id, typename: 'BulkExport' } })
  expect(() => new Webhook(secrets['/owner']!).verify(first.body, first.headers)).not.toThrow()

  // A cancel is a finish too (Shopify's bulk_operations/finish says so as well).
  const again = await startExport(server, headers, '{ jobs { nodes { number } } }')
  const secondId = again.body.data.startBulkExport.id
  await server.graphql('mutation($id: ID!) { cancelBulkExport(input: { id: $id }) { status } }', { headers, variables: { id: secondId } })
  await waitForExport(server, headers, secondId)
  await eventually(() => expect(receiver.at('/owner').map((request) => request.json.data.id)).toEqual([id, secondId]))

  // The other member's endpoint, subscribed to the same event, got nothing and has nothing queued.
  expect(receiver.at('/other')).toEqual([])
  const queued = await server.app.services.database.db.selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', (join) => join.onRef('e.business_id', '=', 'd.business_id').onRef('e.id', '=', 'd.endpoint_id'))
    .select('d.id').where('e.member_id', '=', other.id).execute()
  expect(queued).toEqual([])
})

it("decides a round's exports together: its own member's are sent, a deactivated member's skipped", async () => {
  const db = server.app.services.database.db
  const before = { owner: receiver.at('/owner').length, late: receiver.at('/late').length }
  // The first attempts fail: the three deliveries then wait for a retry a minute away.
  receiver.failNext('/owner', 2)
  receiver.failNext('/late', 1)
  const finished: Record<string, string[]> = { owner: [], late: [] }
  for (const [who, member] of [['owner', owner], ['owner', owner], ['late', late]] as const) {
    const started = await startExport(server, xApiKey(member.primary.key), '{ jobs { nodes { number } } }')
    const id = started.body.data.startBulkExport.id
    expect((await waitForExport(server, xApiKey(member.primary.key), id)).status).toBe('COMPLETED')
    finished[who]!.push(id)
  }
  const waiting = () => db.selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', (join) => join.onRef('e.business_id', '=', 'd.business_id').onRef('e.id', '=', 'd.endpoint_id'))
    .select(['d.id', 'd.status', 'd.last_error', 'e.member_id']).where('e.member_id', 'in', [owner.id, late.id]).where('d.attempts', '>', 0)
  await eventually(async () => expect((await waiting().where('d.status', '=', 'PENDING').where('d.claimed_until', 'is', null).execute())).toHaveLength(3))
  await db.updateTable('principals').set({ active: false }).where('id', '=', late.id).execute()
  const claimed = { statements: claims.statements, deliveries: claims.claimed }
  // Due at once, one wake: the three retries go out in one round.
  await db.updateTable('webhook_deliveries').set({ next_attempt_at: new Date() }).where('status', '=', 'PENDING').execute()
  server.app.services.webhooks!.wake()

  await eventually(() => expect(receiver.at('/owner').slice(before.owner + 2).map((request) => request.json.data.id)).toEqual(finished.owner))
  const skipped = await eventually(async () => {
    const rows = await waiting().where('e.member_id', '=', late.id).execute()
    expect(rows.map((row) => row.status)).toEqual(['SKIPPED'])
    return rows
  })
  expect(skipped[0]!.last_error).toBe("the export is not the endpoint's member's, or that member is deactivated")
  expect(receiver.at('/late').slice(before.late)).toHaveLength(1) // the failed first attempt only
  expect(claims.claimed - claimed.deliveries).toBe(3)
  expect(claims.statements - claimed.statements).toBeLessThanOrEqual(2) // the round's claim, and at most an empty one
})
