import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendSecurityEvent } from '../../src/records/write/outbox.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { encodeId, fails, ok } from '../setup/admin-client.js'
import { type SignedIn, createMemberWithKeys, createRoleSql, signInAsAdmin } from '../setup/clients.js'
import { eventually } from '../setup/eventually.js'
import { startReceiver } from './receiver.js'

/**
 * Opt-in security events end to end: key and member changes made by an admin through GraphQL
 * reach the endpoint that named them, signed, with ids only; an endpoint that did not name them
 * hears nothing of them; a change that rolled back sends nothing.
 */

const SECURITY = ['api_key.created', 'api_key.regenerated', 'api_key.revoked', 'api_member.created', 'api_member.updated']
let server: TestServer
let receiver: Awaited<ReturnType<typeof startReceiver>>
let admin: SignedIn
const as = (query: string, i: Record<string, unknown>) => server.graphql(query, { variables: { i }, headers: admin.headers })

beforeAll(async () => {
  receiver = await startReceiver()
  server = await startTestServer({ GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1', GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '0.05,0.05' })
  admin = await signInAsAdmin(server)
})
afterAll(async () => {
  await server?.close()
  await receiver?.close()
})

describe('security events', () => {
  it('reach only the endpoint that subscribed, in the admin change’s transaction, with ids only', async () => {
    const watcher = await createMemberWithKeys(server, admin)
    const endpoint = (path: string, events: string[]) =>
      as(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`, { url: receiver.url(path), events, memberId: watcher.globalId })
        .then((result) => ok(result).createWebhookEndpoint.secret as string)
    const secret = await endpoint('/security', SECURITY)
    await endpoint('/records', ['supplier.created'])
    const roleId = await createRoleSql(server, admin.businessId)

    const member = ok(await as(`mutation($i: CreateApiMemberInput!) { createApiMember(input: $i) { id } }`,
      { name: 'Sync bot', description: 'watched', roleId: encodeId('SecurityRole', roleId) })).createApiMember
    const pair = ok(await as(`mutation($i: GenerateApiKeysInput!) { generateApiKeys(input: $i) { primary { apiKey { id } } secondary { apiKey { id } } } }`,
      { memberId: member.id, description: 'bot keys' })).generateApiKeys
    // Refused inside its transaction: no event.
    fails(await as(`mutation($i: RegenerateApiKeysInput!) { regenerateApiKeys(input: $i) { oldKeysStopAt } }`, { memberId: member.id, slot: 'PRIMARY', confirm: false }), 'CONFIRMATION_REQUIRED')
    const regenerated = ok(await as(`mutation($i: RegenerateApiKeysInput!) { regenerateApiKeys(input: $i) { primary { apiKey { id } } } }`,
      { memberId: member.id, slot: 'PRIMARY', confirm: true })).regenerateApiKeys
    ok(await as(`mutation($i: RevokeApiKeyInput!) { revokeApiKey(input: $i) { id } }`, { id: pair.secondary.apiKey.id }))
    // Revoking a revoked key changes nothing, and tells nothing.
    ok(await as(`mutation($i: RevokeApiKeyInput!) { revokeApiKey(input: $i) { id } }`, { id: pair.secondary.apiKey.id }))
    ok(await as(`mutation($i: UpdateApiMemberInput!) { updateApiMember(input: $i) { id } }`, { id: member.id, active: false }))
    ok(await as(`mutation { createSupplier(input: {name: "Marker Supplies"}) { supplier { id } } }`, {}))

    const expected = [
      ['api_member.created', member.id],
      ['api_key.created', pair.primary.apiKey.id],
      ['api_key.created', pair.secondary.apiKey.id],
      ['api_key.regenerated', regenerated.primary.apiKey.id],
      ['api_key.revoked', pair.secondary.apiKey.id],
      ['api_member.updated', member.id],
    ]
    const got = await eventually(() => {
      expect(receiver.at('/security')).toHaveLength(expected.length)
      return receiver.at('/security')
    })
    // Different subjects have no order between them; each arrives once.
    expect(got.map((r) => [r.json.type, r.json.data.id]).sort()).toEqual([...expected].sort())
    const verifier = new Webhook(secret)
    for (const request of got) {
      expect(verifier.verify(request.body, request.headers)).toEqual(request.json)
      // Ids only: no name, no key, no version.
      expect(Object.keys(request.json.data).sort()).toEqual(['id', 'occurredAt', 'typename'])
      expect(request.body).not.toMatch(/gk_|Sync bot|bot keys/)
    }
    await eventually(() => expect(receiver.at('/records')).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(receiver.at('/records').map((r) => r.json.type)).toEqual(['supplier.created'])
    expect(receiver.at('/security')).toHaveLength(expected.length)
  })

  it('sends nothing for a change that rolled back', async () => {
    const db = server.app.services.database.db
    const before = await db.selectFrom('webhook_events').select('id').execute()
    await expect(db.transaction().execute(async (trx) => {
      expect(await appendSecurityEvent(trx, admin.businessId, 'api_member.updated', '987654321')).toBeGreaterThan(0)
      throw new Error('the admin change failed after its event was queued')
    })).rejects.toThrow('after its event')
    server.app.services.webhooks!.wake()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await db.selectFrom('webhook_events').select('id').execute()).toEqual(before)
    expect(receiver.at('/security').filter((r) => r.json.data.id === encodeId('ApiMember', '987654321'))).toEqual([])
  })
})
