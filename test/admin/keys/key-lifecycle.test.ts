import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { invalidateCredentials } from '../../../src/access/credentials/authenticate.js'
import { UNAUTHENTICATED_MESSAGE } from '../../../src/graphql/errors.js'
import { type TestServer, startTestServer } from '../../setup/app.js'
import {
  type MemberWithKeys,
  type SignedIn,
  basic,
  bearer,
  createMemberWithKeys,
  generateKeys,
  signInAsAdmin,
  whoAmI,
  xApiKey,
} from '../../setup/clients.js'

const WARNING = 'This cannot be undone. Regenerating this API Key will remove any API access using the old key.'

const REGENERATE = `mutation($input: RegenerateApiKeysInput!) { regenerateApiKeys(input: $input) {
  message oldKeysStopAt primary { publicKey key privateKey } secondary { publicKey key privateKey } } }`
const REVOKE = `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { id publicKey active revokedAt } }`

let server: TestServer
let admin: SignedIn

beforeAll(async () => {
  server = await startTestServer()
  admin = await signInAsAdmin(server)
})
afterAll(() => server?.close())

/** Asserts the headers authenticate as the given key (200 and viewer names it). */
async function expectWorks(headers: Record<string, string>, publicKey: string) {
  const { status, body } = await whoAmI(server, headers)
  expect(body.errors).toBeUndefined()
  expect(status).toBe(200)
  expect(body.data.viewer.credential).toEqual({ kind: 'API_KEY', publicKey })
}

/** Asserts the headers are refused with the one UNAUTHENTICATED answer. */
async function expectRefused(headers: Record<string, string>) {
  const { status, body } = await whoAmI(server, headers)
  expect(status).toBe(401)
  expect(body.data ?? null).toBeNull()
  expect(body.errors).toEqual([expect.objectContaining({ message: UNAUTHENTICATED_MESSAGE, extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })])
}

function regenerate(input: Record<string, unknown>) {
  return server.graphql(REGENERATE, { variables: { input }, headers: admin.headers })
}

async function keyRows(ownerId: string) {
  return server.app.services.database.db
    .selectFrom('api_keys')
    .select(['public_key', 'slot', 'revoked_at'])
    .where('owner_id', '=', ownerId)
    .orderBy('id')
    .execute()
}

describe('a key pair', () => {
  let member: MemberWithKeys
  beforeAll(async () => {
    member = await createMemberWithKeys(server, admin)
  })

  test('has the contract format: key = gk_ + publicKey + privateKey (secret + checksum)', () => {
    for (const issued of [member.primary, member.secondary]) {
      expect(issued.key).toBe(`gk_${issued.publicKey}${issued.privateKey}`)
      expect(issued.key).toMatch(/^gk_[0-9A-Za-z]{54}$/)
    }
    expect(member.primary.publicKey).not.toBe(member.secondary.publicKey)
  })

  test('both keys work in all three header forms', async () => {
    for (const issued of [member.primary, member.secondary]) {
      await expectWorks(bearer(issued.key), issued.publicKey)
      await expectWorks(xApiKey(issued.key), issued.publicKey)
      await expectWorks(basic(admin.businessSlug, issued.publicKey, issued.privateKey), issued.publicKey)
    }
  })

  test('the Basic form with another business slug is refused', async () => {
    await expectRefused(basic('not-this-business', member.primary.publicKey, member.primary.privateKey))
  })

  test('only the hash of the private part is stored', async () => {
    const rows = await server.app.services.database.db.selectFrom('api_keys').selectAll().where('owner_id', '=', member.id).execute()
    const stored = JSON.stringify(rows)
    for (const issued of [member.primary, member.secondary]) {
      expect(stored).toContain(issued.publicKey)
      expect(stored).not.toContain(issued.privateKey)
      expect(stored).not.toContain(issued.privateKey.slice(0, 32))
    }
  })

  test('apiKeys lists them with owner, slot, creator and times, never a secret', async () => {
    await expectWorks(bearer(member.primary.key), member.primary.publicKey)
    const { body } = await server.graphql(
      `query($owner: ID) { apiKeys(filter: { ownerId: $owner }) { totalCount nodes {
         id publicKey description slot active createdAt lastUsedAt expiresAt revokedAt
         owner { id kind name } createdBy { id kind name } } } }`,
      { variables: { owner: member.globalId }, headers: admin.headers },
    )
    expect(body.errors).toBeUndefined()
    const { totalCount, nodes } = body.data.apiKeys
    expect(totalCount).toBe(2)
    expect(nodes.map((k: { slot: string }) => k.slot)).toEqual(['PRIMARY', 'SECONDARY'])
    expect(nodes[0]).toMatchObject({
      publicKey: member.primary.publicKey,
      description: 'test keys',
      active: true,
      expiresAt: null,
      revokedAt: null,
      owner: { id: member.globalId, kind: 'API_MEMBER' },
      createdBy: { id: Buffer.from(`User:${admin.userId}`).toString('base64url'), kind: 'USER', name: 'Administrator' },
    })
    // Written (at most once a minute) off the request path.
    await vi.waitFor(async () => {
      const again = await server.graphql('query($owner: ID) { apiKeys(filter: { ownerId: $owner }) { nodes { lastUsedAt } } }', {
        variables: { owner: member.globalId },
        headers: admin.headers,
      })
      expect(again.body.data.apiKeys.nodes[0].lastUsedAt).not.toBeNull()
    })
    const text = JSON.stringify(body)
    for (const issued of [member.primary, member.secondary]) expect(text).not.toContain(issued.privateKey)
  })

  test('generateApiKeys while the pair works is CONFLICT and writes nothing', async () => {
    const before = await keyRows(member.id)
    const { body } = await server.graphql(
      'mutation($input: GenerateApiKeysInput!) { generateApiKeys(input: $input) { primary { publicKey } } }',
      { variables: { input: { memberId: member.globalId, description: 'again' } }, headers: admin.headers },
    )
    expect(body.errors?.[0]?.extensions?.code).toBe('CONFLICT')
    expect(await keyRows(member.id)).toEqual(before)
  })
})

describe('generateApiKeys input', () => {
  test('names every bad field and writes nothing', async () => {
    const member = await createMemberWithKeys(server, admin)
    const before = await server.app.services.database.db.selectFrom('api_keys').select('id').execute()
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ memberId: member.globalId, userId: member.globalId, description: 'x' }, ['input.memberId']],
      [{ description: 'x' }, ['input.memberId']],
      [{ memberId: member.globalId, description: 'x'.repeat(501), expiresAt: '2020-01-01T00:00:00Z' }, ['input.description', 'input.expiresAt']],
    ]
    for (const [input, fields] of cases) {
      const { body } = await server.graphql('mutation($input: GenerateApiKeysInput!) { generateApiKeys(input: $input) { primary { key } } }', {
        variables: { input },
        headers: admin.headers,
      })
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
      expect(body.errors?.[0]?.extensions?.fields.map((f: { field: string }) => f.field).sort()).toEqual(fields)
    }
    expect(await server.app.services.database.db.selectFrom('api_keys').select('id').execute()).toEqual(before)
  })
})

describe('regenerateApiKeys', () => {
  test('without confirm changes nothing and answers CONFIRMATION_REQUIRED with the warning', async () => {
    const member = await createMemberWithKeys(server, admin)
    await expectWorks(bearer(member.primary.key), member.primary.publicKey)
    const before = await keyRows(member.id)
    const { body } = await regenerate({ memberId: member.globalId, slot: 'BOTH', confirm: false })
    expect(body.errors).toEqual([expect.objectContaining({ message: WARNING, extensions: expect.objectContaining({ code: 'CONFIRMATION_REQUIRED' }) })])
    expect(await keyRows(member.id)).toEqual(before)
    await expectWorks(bearer(member.primary.key), member.primary.publicKey)
    await expectWorks(bearer(member.secondary.key), member.secondary.publicKey)
  })

  test('with confirm the old key is refused on the very next request and the new one works', async () => {
    const member = await createMemberWithKeys(server, admin)
    // Used first, so the old key sits in the credential cache: the regeneration must evict it.
    await expectWorks(bearer(member.primary.key), member.primary.publicKey)
    const { body } = await regenerate({ memberId: member.globalId, slot: 'PRIMARY', confirm: true })
    expect(body.errors).toBeUndefined()
    const result = body.data.regenerateApiKeys
    expect(result.message).toBe('API Key has been regenerated')
    expect(result.secondary).toBeNull()
    await expectRefused(bearer(member.primary.key))
    await expectRefused(basic(admin.businessSlug, member.primary.publicKey, member.primary.privateKey))
    await expectWorks(bearer(result.primary.key), result.primary.publicKey)
    await expectWorks(xApiKey(member.secondary.key), member.secondary.publicKey)
  })

  test('BOTH replaces both keys at once', async () => {
    const member = await createMemberWithKeys(server, admin)
    await expectWorks(bearer(member.secondary.key), member.secondary.publicKey)
    const { body } = await regenerate({ memberId: member.globalId, slot: 'BOTH', confirm: true })
    const result = body.data.regenerateApiKeys
    await expectRefused(bearer(member.primary.key))
    await expectRefused(bearer(member.secondary.key))
    await expectWorks(bearer(result.primary.key), result.primary.publicKey)
    await expectWorks(bearer(result.secondary.key), result.secondary.publicKey)
  })

  test('with graceSeconds the old key works until the grace ends, then stops', async () => {
    const member = await createMemberWithKeys(server, admin)
    await expectWorks(bearer(member.secondary.key), member.secondary.publicKey)
    const { body } = await regenerate({ memberId: member.globalId, slot: 'SECONDARY', confirm: true, graceSeconds: 1 })
    const result = body.data.regenerateApiKeys
    await expectWorks(bearer(member.secondary.key), member.secondary.publicKey)
    await expectWorks(bearer(result.secondary.key), result.secondary.publicKey)
    const stopAt = Date.parse(result.oldKeysStopAt)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, stopAt - Date.now()) + 50))
    await expectRefused(bearer(member.secondary.key))
    await expectWorks(bearer(result.secondary.key), result.secondary.publicKey)
  })

  test('a grace beyond 7 days or below 0 is BAD_USER_INPUT and writes nothing', async () => {
    const member = await createMemberWithKeys(server, admin)
    const before = await keyRows(member.id)
    for (const graceSeconds of [604_801, -1]) {
      const { body } = await regenerate({ memberId: member.globalId, slot: 'PRIMARY', confirm: true, graceSeconds })
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
      expect(body.errors?.[0]?.extensions?.field).toBe('input.graceSeconds')
    }
    expect(await keyRows(member.id)).toEqual(before)
  })

  test('an unknown member, or a member id of another type, is NOT_FOUND', async () => {
    for (const memberId of [Buffer.from('ApiMember:999999').toString('base64url'), Buffer.from('Job:1').toString('base64url'), 'garbage']) {
      const { body } = await regenerate({ memberId, slot: 'PRIMARY', confirm: true })
      expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    }
  })
})

describe('revokeApiKey', () => {
  test('stops the key on the next request; the pair is generated anew once none works', async () => {
    const member = await createMemberWithKeys(server, admin)
    await expectWorks(bearer(member.primary.key), member.primary.publicKey)
    const first = await server.graphql(REVOKE, { variables: { input: { publicKey: member.primary.publicKey } }, headers: admin.headers })
    expect(first.body.data.revokeApiKey).toMatchObject({ publicKey: member.primary.publicKey, active: false })
    await expectRefused(bearer(member.primary.key))
    await expectWorks(bearer(member.secondary.key), member.secondary.publicKey)

    // The Secondary still works, so the pair is still there.
    await expect(generateKeys(server, admin, { memberId: member.globalId, description: 'new' })).rejects.toThrow(/CONFLICT/)
    const list = await server.graphql(
      'query($owner: ID) { apiKeys(filter: { ownerId: $owner, active: true }) { nodes { id publicKey } totalCount } }',
      { variables: { owner: member.globalId }, headers: admin.headers },
    )
    expect(list.body.data.apiKeys.nodes.map((k: { publicKey: string }) => k.publicKey)).toEqual([member.secondary.publicKey])
    const secondaryId = list.body.data.apiKeys.nodes[0].id
    await server.graphql(REVOKE, { variables: { input: { id: secondaryId } }, headers: admin.headers })
    await expectRefused(bearer(member.secondary.key))

    const fresh = await generateKeys(server, admin, { memberId: member.globalId, description: 'new' })
    await expectWorks(bearer(fresh.primary.key), fresh.primary.publicKey)
  })

  test('an unknown key is NOT_FOUND', async () => {
    const { body } = await server.graphql(REVOKE, { variables: { input: { publicKey: 'AAAAAAAAAAAAAAAA' } }, headers: admin.headers })
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
  })
})

describe('expiry', () => {
  test('a key works until expiresAt, then is refused', async () => {
    const expiresAt = new Date(Date.now() + 1200).toISOString()
    const member = await createMemberWithKeys(server, admin, { expiresAt })
    await expectWorks(bearer(member.primary.key), member.primary.publicKey)
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50))
    await expectRefused(bearer(member.primary.key))
    await expectRefused(xApiKey(member.secondary.key))
  })

  test('expiresAt in the past is BAD_USER_INPUT', async () => {
    const member = await createMemberWithKeys(server, admin)
    await server.graphql(REVOKE, { variables: { input: { publicKey: member.primary.publicKey } }, headers: admin.headers })
    await server.graphql(REVOKE, { variables: { input: { publicKey: member.secondary.publicKey } }, headers: admin.headers })
    const attempt = generateKeys(server, admin, { memberId: member.globalId, description: 'x', expiresAt: '2020-01-01T00:00:00Z' })
    await expect(attempt).rejects.toThrow(/BAD_USER_INPUT/)
  })
})

describe('a deactivated member', () => {
  test('is refused at once (deactivated in SQL, then invalidated)', async () => {
    const member = await createMemberWithKeys(server, admin)
    await expectWorks(bearer(member.primary.key), member.primary.publicKey)
    await server.app.services.database.db.updateTable('principals').set({ active: false }).where('id', '=', member.id).execute()
    await invalidateCredentials(server.app.services, { principalId: member.id })
    await expectRefused(bearer(member.primary.key))
    await expectRefused(basic(admin.businessSlug, member.secondary.publicKey, member.secondary.privateKey))
  })

  test('is refused at once when deactivated through updateApiMember', async () => {
    const member = await createMemberWithKeys(server, admin)
    await expectWorks(bearer(member.primary.key), member.primary.publicKey)
    const { body } = await server.graphql(
      'mutation($input: UpdateApiMemberInput!) { updateApiMember(input: $input) { active } }',
      { variables: { input: { id: member.globalId, active: false } }, headers: admin.headers },
    )
    expect(body.errors).toBeUndefined()
    await expectRefused(bearer(member.primary.key))
  })
})

describe('key management is for signed-in admins only', () => {
  test('any API key, even one with the Admin role or of an admin user, gets FORBIDDEN', async () => {
    const adminRole = await server.app.services.database.db
      .selectFrom('security_roles').select('id').where('business_id', '=', admin.businessId).where('is_builtin', '=', true)
      .executeTakeFirstOrThrow()
    const adminMember = await createMemberWithKeys(server, admin, { roleId: adminRole.id })
    const userKeys = await generateKeys(server, admin, { userId: Buffer.from(`User:${admin.userId}`).toString('base64url'), description: 'mine' })
    const victim = await createMemberWithKeys(server, admin)
    const operations: Array<[string, Record<string, unknown>]> = [
      ['mutation($input: GenerateApiKeysInput!) { generateApiKeys(input: $input) { primary { key } } }', { input: { memberId: victim.globalId, description: 'x' } }],
      [REGENERATE, { input: { memberId: victim.globalId, slot: 'BOTH', confirm: true } }],
      [REVOKE, { input: { publicKey: victim.primary.publicKey } }],
      ['{ apiKeys { totalCount } }', {}],
    ]
    for (const key of [adminMember.primary.key, userKeys.primary.key]) {
      for (const [query, variables] of operations) {
        const { body } = await server.graphql(query, { variables, headers: bearer(key) })
        expect(body.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN')
      }
    }
    // Nothing happened to the victim's keys.
    await expectWorks(bearer(victim.primary.key), victim.primary.publicKey)
    expect((await keyRows(victim.id)).every((row) => row.revoked_at === null)).toBe(true)
  })
})
