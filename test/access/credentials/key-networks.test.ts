import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_KEY_NETWORKS, addressBucket, networkMatcher, parseKeyNetworks } from '../../../src/access/networks.js'
import { type TestServer, startTestServer } from '../../setup/app.js'
import { type SignedIn, createRoleSql, signInAsAdmin, xApiKey } from '../../setup/clients.js'
import { encodeGlobalId } from '../../../src/graphql/global-id.js'
import { postFrom, startInstance } from '../../server/server-helpers.js'

/**
 * Per-key network restrictions (Stripe's "restrict to IP addresses") end to end over HTTP: traffic
 * from chosen loopback addresses (127.x.y.z), a restriction set at generation, kept by
 * regeneration, changed with updateApiKeys, refusals FORBIDDEN and audited.
 */

let server: TestServer
let admin: SignedIn

beforeAll(async () => {
  server = await startTestServer()
  admin = await signInAsAdmin(server)
})
afterAll(() => server?.close())

const VIEWER = '{ viewer { credential { publicKey } } }'
const KEY_FIELDS = 'publicKey key apiKey { allowedNetworks description }'

async function admin_(query: string, variables: Record<string, unknown>) {
  const answer = await server.graphql(query, { headers: admin.headers, variables })
  return answer.body as any
}

async function memberWithNetworks(allowedNetworks: string[] | undefined) {
  const roleId = await createRoleSql(server, admin.businessId)
  const row = await server.app.services.database.db
    .insertInto('principals')
    .values({ business_id: admin.businessId, kind: 'API_MEMBER', name: `Restricted ${Math.random().toString(36).slice(2, 8)}`, role_id: roleId })
    .returning('id')
    .executeTakeFirstOrThrow()
  const memberId = encodeGlobalId('ApiMember', row.id)
  const body = await admin_(
    `mutation($input: GenerateApiKeysInput!) { generateApiKeys(input: $input) { primary { ${KEY_FIELDS} } secondary { ${KEY_FIELDS} } } }`,
    { input: { memberId, description: 'restricted keys', allowedNetworks } },
  )
  expect(body.errors).toBeUndefined()
  return { memberId, id: row.id, ...body.data.generateApiKeys }
}

const refusedAudits = (publicKey: string) =>
  server.app.services.database.db
    .selectFrom('audit_events').select(['client_address', 'details', 'actor_id'])
    .where('business_id', '=', admin.businessId).where('action', '=', 'api_keys.network_refused')
    .where('credential', '=', `api_key:${publicKey}`)
    .execute()

describe('a key restricted to networks', () => {
  it('works from inside them and is FORBIDDEN (403, saying why) from anywhere else, each refusal audited once a minute', async () => {
    const member = await memberWithNetworks([' 127.10.0.0/16 ', '127.99.1.1', '127.10.0.0/16'])
    // Trimmed, duplicates dropped, on both keys.
    expect(member.primary.apiKey.allowedNetworks).toEqual(['127.10.0.0/16', '127.99.1.1'])
    expect(member.secondary.apiKey.allowedNetworks).toEqual(['127.10.0.0/16', '127.99.1.1'])
    const headers = xApiKey(member.primary.key)
    expect((await postFrom(server.url, '127.10.3.4', VIEWER, headers)).status).toBe(200)
    expect((await postFrom(server.url, '127.99.1.1', VIEWER, headers)).status).toBe(200)
    for (let i = 0; i < 3; i++) {
      const refused = await postFrom(server.url, '127.20.3.4', VIEWER, headers)
      expect(refused.status).toBe(403)
      expect(refused.body.data).toBeUndefined()
      expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN')
      expect(refused.body.errors[0].message).toBe(
        'This API key may be used only from the networks an admin allowed for it, and 127.20.3.4 is not one of them.',
      )
    }
    // The secondary key carries the same restriction.
    expect((await postFrom(server.url, '127.20.3.4', VIEWER, xApiKey(member.secondary.key))).status).toBe(403)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const audits = await refusedAudits(member.primary.publicKey)
    expect(audits).toEqual([{ client_address: '127.20.3.4', actor_id: member.id, details: { publicKey: member.primary.publicKey, allowedNetworks: ['127.10.0.0/16', '127.99.1.1'] } }])
  })

  it('is kept by regeneration: a rotation never silently drops a restriction', async () => {
    const member = await memberWithNetworks(['127.30.0.0/16'])
    const body = await admin_(
      `mutation($input: RegenerateApiKeysInput!) { regenerateApiKeys(input: $input) { primary { ${KEY_FIELDS} } secondary { ${KEY_FIELDS} } } }`,
      { input: { memberId: member.memberId, slot: 'BOTH', confirm: true } },
    )
    expect(body.errors).toBeUndefined()
    const { primary, secondary } = body.data.regenerateApiKeys
    expect(primary.apiKey.allowedNetworks).toEqual(['127.30.0.0/16'])
    expect(secondary.apiKey.allowedNetworks).toEqual(['127.30.0.0/16'])
    expect((await postFrom(server.url, '127.30.1.1', VIEWER, xApiKey(primary.key))).status).toBe(200)
    expect((await postFrom(server.url, '127.31.1.1', VIEWER, xApiKey(primary.key))).status).toBe(403)
  })

  it('changes with updateApiKeys from the next request (description too), [] lifting it, audited', async () => {
    const member = await memberWithNetworks([])
    const headers = xApiKey(member.primary.key)
    expect((await postFrom(server.url, '127.40.1.1', VIEWER, headers)).status).toBe(200)
    const update = (input: Record<string, unknown>) =>
      admin_('mutation($input: UpdateApiKeysInput!) { updateApiKeys(input: $input) { publicKey slot description allowedNetworks } }', {
        input: { memberId: member.memberId, ...input },
      })
    const restricted = await update({ allowedNetworks: ['127.41.0.0/16'], description: 'Acme sync, office egress only' })
    expect(restricted.errors).toBeUndefined()
    expect(restricted.data.updateApiKeys).toEqual([
      { publicKey: member.primary.publicKey, slot: 'PRIMARY', description: 'Acme sync, office egress only', allowedNetworks: ['127.41.0.0/16'] },
      { publicKey: member.secondary.publicKey, slot: 'SECONDARY', description: 'Acme sync, office egress only', allowedNetworks: ['127.41.0.0/16'] },
    ])
    // The cached credential was forgotten: the very next request is held to the new list.
    expect((await postFrom(server.url, '127.40.1.1', VIEWER, headers)).status).toBe(403)
    expect((await postFrom(server.url, '127.41.9.9', VIEWER, headers)).status).toBe(200)
    // Omitting a field keeps it; [] lifts the restriction.
    const described = await update({ description: 'Acme sync' })
    expect(described.data.updateApiKeys[0]).toMatchObject({ description: 'Acme sync', allowedNetworks: ['127.41.0.0/16'] })
    expect((await update({ allowedNetworks: [] })).data.updateApiKeys[0].allowedNetworks).toEqual([])
    expect((await postFrom(server.url, '127.40.1.1', VIEWER, headers)).status).toBe(200)
    const events = await server.app.services.database.db
      .selectFrom('audit_events').select(['details'])
      .where('business_id', '=', admin.businessId).where('action', '=', 'api_keys.update').where('target_id', '=', member.id)
      .orderBy('id').execute()
    expect(events.map((event) => (event.details as { fields: string[] }).fields)).toEqual([['description', 'allowedNetworks'], ['description'], ['allowedNetworks']])
  })

  it('holds keys still in a regeneration grace period to a restriction set afterwards', async () => {
    const member = await memberWithNetworks([])
    const rotated = await admin_('mutation($input: RegenerateApiKeysInput!) { regenerateApiKeys(input: $input) { primary { key } } }', {
      input: { memberId: member.memberId, slot: 'BOTH', confirm: true, graceSeconds: 600 },
    })
    expect(rotated.errors).toBeUndefined()
    const old = xApiKey(member.primary.key)
    expect((await postFrom(server.url, '127.60.1.1', VIEWER, old)).status).toBe(200)
    const restricted = await admin_('mutation($input: UpdateApiKeysInput!) { updateApiKeys(input: $input) { publicKey } }', {
      input: { memberId: member.memberId, allowedNetworks: ['127.61.0.0/16'] },
    })
    // The answer names the current pair; the retiring keys were restricted too.
    expect(restricted.data.updateApiKeys.map((key: { publicKey: string }) => key.publicKey)).not.toContain(member.primary.publicKey)
    expect((await postFrom(server.url, '127.60.1.1', VIEWER, old)).status).toBe(403)
    expect((await postFrom(server.url, '127.61.1.1', VIEWER, old)).status).toBe(200)
    expect((await postFrom(server.url, '127.60.1.1', VIEWER, xApiKey(rotated.data.regenerateApiKeys.primary.key))).status).toBe(403)
  })

  it('refuses networks that are not addresses or blocks, naming the entry, and writes nothing', async () => {
    const member = await memberWithNetworks([])
    const bad: Array<[string[], string]> = [
      [['127.0.0.1', 'not-an-ip'], 'input.allowedNetworks.1'],
      [['10.0.0.0/33'], 'input.allowedNetworks.0'],
      [['2001:db8::/129'], 'input.allowedNetworks.0'],
      [['10.0.0.0/8/8'], 'input.allowedNetworks.0'],
      [[''], 'input.allowedNetworks.0'],
      [Array.from({ length: MAX_KEY_NETWORKS + 1 }, (_, i) => `10.0.${i}.0/24`), `input.allowedNetworks.${MAX_KEY_NETWORKS}`],
    ]
    for (const [allowedNetworks, field] of bad) {
      const answer = await admin_('mutation($input: UpdateApiKeysInput!) { updateApiKeys(input: $input) { publicKey } }', {
        input: { memberId: member.memberId, allowedNetworks, description: 'changed?' },
      })
      expect(answer.errors[0].extensions, JSON.stringify(allowedNetworks)).toMatchObject({ code: 'BAD_USER_INPUT', field })
    }
    const rows = await server.app.services.database.db.selectFrom('api_keys').select(['allowed_networks', 'description']).where('owner_id', '=', member.id).execute()
    expect(rows).toEqual([{ allowed_networks: [], description: 'restricted keys' }, { allowed_networks: [], description: 'restricted keys' }])
  })

  it('updateApiKeys is for admins only, and CONFLICT for an owner without working keys', async () => {
    const member = await memberWithNetworks([])
    const byKey = await server.graphql('mutation { updateApiKeys(input: { memberId: "' + member.memberId + '", allowedNetworks: [] }) { publicKey } }', {
      headers: xApiKey(member.primary.key),
    })
    expect((byKey.body as any).errors[0].extensions.code).toBe('FORBIDDEN')
    await admin_('mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { active } }', { input: { publicKey: member.primary.publicKey } })
    await admin_('mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { active } }', { input: { publicKey: member.secondary.publicKey } })
    const none = await admin_('mutation($input: UpdateApiKeysInput!) { updateApiKeys(input: $input) { publicKey } }', { input: { memberId: member.memberId, description: 'x' } })
    expect(none.errors[0].extensions.code).toBe('CONFLICT')
  })

  it('behind a trusted proxy, is held to the client address the proxy forwards', async () => {
    const member = await memberWithNetworks(['203.0.113.0/24'])
    const proxied = await startInstance(server, { GATEHOUSE_TRUSTED_PROXIES: ['127.50.0.1'] })
    try {
      const headers = { ...xApiKey(member.primary.key) }
      expect((await postFrom(proxied.url, '127.50.0.1', VIEWER, { ...headers, 'x-forwarded-for': '203.0.113.7' })).status).toBe(200)
      const outside = await postFrom(proxied.url, '127.50.0.1', VIEWER, { ...headers, 'x-forwarded-for': '198.51.100.7' })
      expect(outside.status).toBe(403)
      expect(outside.body.errors[0].message).toContain('198.51.100.7')
      // A client that is not the proxy cannot claim an allowed address.
      expect((await postFrom(proxied.url, '127.50.0.2', VIEWER, { ...headers, 'x-forwarded-for': '203.0.113.7' })).status).toBe(403)
    } finally {
      await proxied.close()
    }
  })
})

describe('network matching', () => {
  it('counts an IPv6 address by its /64 and an IPv4 address by itself', () => {
    expect(addressBucket('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64')
    expect(addressBucket('2001:0db8:0:2::ffff')).toBe('2001:db8:0:2::/64')
    expect(addressBucket('2001:db8::1')).toBe(addressBucket('2001:db8:0:0:ffff::9'))
    expect(addressBucket('::ffff:10.1.2.3')).toBe('10.1.2.3')
    expect(addressBucket(null)).toBe('unknown')
  })

  it('matches IPv4 and IPv6 addresses and blocks, IPv4-mapped addresses as IPv4, and never an unknown address', () => {
    const parsed = parseKeyNetworks(['203.0.113.0/24', '2001:DB8::/32', '::ffff:198.51.100.9'])
    expect(parsed).toEqual({ networks: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.9'] })
    const allows = networkMatcher((parsed as { networks: string[] }).networks)
    expect(allows('203.0.113.255')).toBe(true)
    expect(allows('::ffff:203.0.113.4')).toBe(true)
    expect(allows('203.0.114.1')).toBe(false)
    expect(allows('2001:db8:1::5')).toBe(true)
    expect(allows('2001:db9::1')).toBe(false)
    expect(allows('198.51.100.9')).toBe(true)
    expect(allows('198.51.100.10')).toBe(false)
    expect(allows(null)).toBe(false)
    expect(allows('not an address')).toBe(false)
  })
})
