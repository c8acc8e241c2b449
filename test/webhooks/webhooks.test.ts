import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniformMatrix } from '../../src/access/permissions.js'
import { contactsResource } from '../../src/crm/contacts/contacts.resource.js'
import { appendEvent } from '../../src/records/write/outbox.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { fails, ok } from '../setup/admin-client.js'
import { type SignedIn, createMemberWithKeys, createRoleSql, readOnlyMatrix, signInAsAdmin } from '../setup/clients.js'
import { eventually } from '../setup/eventually.js'
import { startReceiver } from './receiver.js'

/**
 * Webhooks end to end: record writes through GraphQL reach a real receiver on 127.0.0.1, signed
 * (verified with the `standardwebhooks` package), in order per record, retried with the same
 * webhook-id, never for a rolled-back write, never about a record the endpoint's member cannot read.
 */

const ENV = { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1', GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '0.05,0.05,0.05,0.05', GATEHOUSE_WEBHOOK_TIMEOUT_MS: '2000' }
const CREATE_ENDPOINT = `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret endpoint { id url events active member { id } } } }`
const CONTACT = {
  create: `mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id version } } }`,
  update: `mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { id version } } }`,
  delete: `mutation($i: DeleteContactInput!) { deleteContact(input: $i) { deletedId version } }`,
}
const CREATE_SUPPLIER = `mutation($i: CreateSupplierInput!) { createSupplier(input: $i) { supplier { id } } }`

let server: TestServer
let receiver: Awaited<ReturnType<typeof startReceiver>>
let admin: SignedIn
let readerId: string
const as = (query: string, variables: Record<string, unknown>) => server.graphql(query, { variables, headers: admin.headers })

async function endpoint(path: string, events: string[], memberId = readerId) {
  const data = ok(await as(CREATE_ENDPOINT, { i: { url: receiver.url(path), events, memberId, description: path } }))
  return data.createWebhookEndpoint as { secret: string; endpoint: { id: string } }
}

beforeAll(async () => {
  receiver = await startReceiver()
  server = await startTestServer(ENV)
  admin = await signInAsAdmin(server)
  readerId = (await createMemberWithKeys(server, admin, { roleId: await createRoleSql(server, admin.businessId, readOnlyMatrix()) })).globalId
})
afterAll(async () => {
  await server?.close()
  await receiver?.close()
})

describe('webhooks', () => {
  it('sends create, update and delete of a record signed, verifiable, in order', async () => {
    const { secret } = await endpoint('/ordered', ['contact.created', 'contact.updated', 'contact.deleted'])
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    const created = ok(await as(CONTACT.create, { i: { type: 'CLIENT', firstName: 'Ada', lastName: 'Lovelace' } })).createContact.contact
    let version = created.version
    for (const company of ['One', 'Two', 'Three']) {
      version = ok(await as(CONTACT.update, { i: { id: created.id, expectedVersion: version, company } })).updateContact.contact.version
    }
    ok(await as(CONTACT.delete, { i: { id: created.id, expectedVersion: version } }))
    const got = await eventually(() => {
      expect(receiver.at('/ordered')).toHaveLength(5)
      return receiver.at('/ordered')
    })
    expect(got.map((r) => `${r.json.type}@${r.json.data.version}`)).toEqual([
      'contact.created@1', 'contact.updated@2', 'contact.updated@3', 'contact.updated@4', 'contact.deleted@5',
    ])
    const verifier = new Webhook(secret)
    for (const request of got) {
      expect(request.json.data.id).toBe(created.id)
      expect(verifier.verify(request.body, request.headers)).toEqual(request.json)
    }
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(5)
    expect(() => new Webhook(`whsec_${Buffer.from('not the secret, 24 bytes').toString('base64')}`).verify(got[0]!.body, got[0]!.headers)).toThrow()
  })

  it('sends nothing for a write that rolled back', async () => {
    await endpoint('/rollback', ['contact.updated', 'contact.created'])
    const contact = ok(await as(CONTACT.create, { i: { type: 'CLIENT', firstName: 'Roll', lastName: 'Back' } })).createContact.contact
    // A GraphQL write refused inside its transaction (stale version), and a transaction that queued an event, then failed.
    fails(await as(CONTACT.update, { i: { id: contact.id, expectedVersion: 99, company: 'Never' } }), 'CONFLICT')
    const id = Buffer.from(contact.id, 'base64url').toString().split(':')[1]!
    const db = server.app.services.database.db
    await expect(db.transaction().execute(async (trx) => {
      expect(await appendEvent(trx, { businessId: admin.businessId } as never, contactsResource, id, 'updated')).toBeGreaterThan(0)
      throw new Error('the write failed after its event was queued')
    })).rejects.toThrow('after its event')
    server.app.services.webhooks!.wake()
    // A later write of the same record arrives after anything queued before it: only it and the create come.
    ok(await as(CONTACT.update, { i: { id: contact.id, expectedVersion: 1, company: 'Later' } }))
    const got = await eventually(() => {
      expect(receiver.at('/rollback')).toHaveLength(2)
      return receiver.at('/rollback')
    })
    expect(got.map((r) => `${r.json.type}@${r.json.data.version}`)).toEqual(['contact.created@1', 'contact.updated@2'])
    const rows = await db.selectFrom('webhook_events').select('id').where('record_id', '=', id).execute()
    expect(rows).toHaveLength(2)
  })

  it('retries a failing receiver with the same webhook-id until it answers, then stops', async () => {
    await endpoint('/flaky', ['supplier.created'])
    receiver.failNext('/flaky', 3)
    ok(await as(CREATE_SUPPLIER, { i: { name: 'Flaky Supplies' } }))
    const got = await eventually(() => {
      expect(receiver.at('/flaky')).toHaveLength(4)
      return receiver.at('/flaky')
    })
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1)
    // The 4th request arrived; its outcome is recorded just after it is answered (the endpoint row and
    // its deliveries are read by two statements, so wait until both show it).
    const flaky = await eventually(async () => {
      const { data } = (await as(`{ webhookEndpoints { nodes { description failingSince deliveries { nodes { status attemptCount nextAttemptAt
          lastResponseStatus attempts { attempt responseStatus latencyMs } } } } } }`, {})).body
      const endpoint = data.webhookEndpoints.nodes.find((node: any) => node.description === '/flaky')
      expect(endpoint.deliveries.nodes[0].status).toBe('DELIVERED')
      expect(endpoint.failingSince).toBeNull()
      return endpoint
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(receiver.at('/flaky')).toHaveLength(4)
    expect(flaky.deliveries.nodes).toHaveLength(1)
    expect(flaky.deliveries.nodes[0]).toMatchObject({ status: 'DELIVERED', attemptCount: 4, nextAttemptAt: null, lastResponseStatus: 204 })
    expect(flaky.deliveries.nodes[0].attempts.map((a: any) => a.responseStatus)).toEqual([500, 500, 500, 204])
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(Number(/gatehouse_webhook_deliveries\{outcome="retry"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3)
  })

  it("never sends a contact to an endpoint whose member has CONTACTS at NONE", async () => {
    const matrix = uniformMatrix('NONE')
    matrix.PURCHASE_ORDERS.INQUIRE = 'ALL'
    const blind = await createMemberWithKeys(server, admin, { roleId: await createRoleSql(server, admin.businessId, matrix) })
    await endpoint('/blind', ['contact.created', 'supplier.created'], blind.globalId)
    ok(await as(CONTACT.create, { i: { type: 'PROSPECT', firstName: 'Hidden', lastName: 'Contact' } }))
    ok(await as(CREATE_SUPPLIER, { i: { name: 'Visible Supplies' } }))
    await eventually(() => expect(receiver.at('/blind')).toHaveLength(1))
    const skipped = await eventually(async () => {
      const rows = await server.app.services.database.db.selectFrom('webhook_deliveries').select(['status', 'last_error'])
        .where('status', '=', 'SKIPPED').execute()
      expect(rows).toHaveLength(1)
      return rows
    })
    expect(skipped).toEqual([{ status: 'SKIPPED', last_error: "the endpoint's member may not inquire CONTACTS" }])
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(receiver.at('/blind').map((r) => r.json.type)).toEqual(['supplier.created'])
  })

  it('rotates the secret: both sign during the overlap', async () => {
    const { secret, endpoint: made } = await endpoint('/rotated', ['supplier.created'])
    const rotated = ok(await as(`mutation($i: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $i) { secret endpoint { previousSecretExpiresAt } } }`,
      { i: { id: made.id, overlapSeconds: 60 } })).rotateWebhookSecret
    expect(rotated.secret).not.toBe(secret)
    ok(await as(CREATE_SUPPLIER, { i: { name: 'Rotated Supplies' } }))
    const [request] = await eventually(() => {
      expect(receiver.at('/rotated')).toHaveLength(1)
      return receiver.at('/rotated')
    })
    expect(request!.headers['webhook-signature']!.split(' ')).toHaveLength(2)
    for (const key of [secret, rotated.secret]) expect(new Webhook(key).verify(request!.body, request!.headers)).toEqual(request!.json)
  })

  it('redelivers one delivery and replays everything since a time, with the first webhook-ids', async () => {
    const { endpoint: made } = await endpoint('/replay', ['supplier.created'])
    const since = new Date().toISOString()
    for (const name of ['Replay One', 'Replay Two']) ok(await as(CREATE_SUPPLIER, { i: { name } }))
    const firsts = await eventually(() => {
      expect(receiver.at('/replay')).toHaveLength(2)
      return receiver.at('/replay').map((r) => r.headers['webhook-id'])
    })
    const first = await eventually(async () => {
      const listed = ok(await as(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries { nodes { id messageId status } } } } }`, { id: made.id }))
      expect(listed.node.deliveries.nodes[0]).toMatchObject({ messageId: firsts[0], status: 'DELIVERED' })
      return listed.node.deliveries.nodes[0]
    })
    const again = ok(await as(`mutation($i: RedeliverWebhookInput!) { redeliverWebhook(input: $i) { messageId status } }`, { i: { deliveryId: first.id } }))
    expect(again.redeliverWebhook).toEqual({ messageId: firsts[0], status: 'PENDING' })
    await eventually(() => expect(receiver.at('/replay')).toHaveLength(3))
    const replayed = ok(await as(`mutation($i: ReplayWebhooksInput!) { replayWebhooks(input: $i) }`, { i: { endpointId: made.id, since } }))
    expect(replayed.replayWebhooks).toBe(2)
    await eventually(() => expect(receiver.at('/replay')).toHaveLength(5))
    // Different records: no order between them, only within each.
    expect(receiver.at('/replay').map((r) => r.headers['webhook-id']).sort()).toEqual([...firsts, firsts[0], ...firsts].sort())
    const future = ok(await as(`mutation($i: ReplayWebhooksInput!) { replayWebhooks(input: $i) }`, { i: { endpointId: made.id, since: new Date(Date.now() + 60_000).toISOString() } }))
    expect(future.replayWebhooks).toBe(0)
  })

  it('refuses bad input with contract codes, and is for admins only', async () => {
    const refused = fails(await as(CREATE_ENDPOINT, { i: { url: receiver.url('/x'), events: ['contact.exploded'], memberId: readerId } }), 'BAD_USER_INPUT')
    expect(refused.extensions?.field).toBe('input.events')
    fails(await as(CREATE_ENDPOINT, { i: { url: 'ftp://127.0.0.1/', events: ['job.created'], memberId: readerId } }), 'BAD_USER_INPUT')
    fails(await as(CREATE_ENDPOINT, { i: { url: receiver.url('/x'), events: ['job.created'], memberId: 'nope' } }), 'NOT_FOUND')
    const member = await createMemberWithKeys(server, admin)
    const byKey = await server.graphql(CREATE_ENDPOINT, { variables: { i: { url: receiver.url('/x'), events: ['job.created'], memberId: readerId } }, headers: { authorization: `Bearer ${member.primary.key}` } })
    expect(byKey.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  })
})
