import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type TestServer, startTestServer } from '../setup/app.js'
import { type MemberWithKeys, type SignedIn, createMemberWithKeys, signInAsAdmin, xApiKey } from '../setup/clients.js'
import { loadIntoBusiness } from '../setup/factories.js'
import { eventually, startReceiver } from '../webhooks/receiver.js'
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
}

beforeAll(async () => {
  receiver = await startReceiver()
  server = await startTestServer({ GATEHOUSE_EXPORT_DIR: dir, GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1' })
  admin = await signInAsAdmin(server)
  await loadIntoBusiness(server.app.services.database.db, admin, {
    seed: 18,
    sizes: { salesReps: 1, contacts: 5, suppliers: 1, jobs: 20, salesOrdersPerJob: 1, purchaseOrdersPerJob: 0, linesPerOrder: 1 },
  })
  owner = await createMemberWithKeys(server, admin)
  other = await createMemberWithKeys(server, admin)
  await endpoint(owner, '/owner')
  await endpoint(other, '/other')
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
