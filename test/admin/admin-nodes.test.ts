import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBusiness } from '../../src/access/businesses.js'
import { uniformMatrix } from '../../src/access/permissions.js'
import { encodeGlobalId } from '../../src/graphql/global-id.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { type MemberWithKeys, type SignedIn, bearer, createMemberWithKeys, createRoleSql, signInAsAdmin } from '../setup/clients.js'

/**
 * `node` / `nodes` reach every Node type the caller may read: the admin types for admins (so a
 * console can refetch what it was given), FORBIDDEN for a key whatever its role, NOT_FOUND for an
 * object of another business, each error at its own path and naming the argument it came from.
 */

let server: TestServer
let admin: SignedIn
let partner: MemberWithKeys
/** One global id of each admin Node type, all of the admin's business. */
const ids: Record<string, string> = {}

beforeAll(async () => {
  server = await startTestServer()
  admin = await signInAsAdmin(server)
  const db = server.app.services.database.db
  const team = await db.insertInto('teams').values({ business_id: admin.businessId, name: 'Ops' }).returning('id').executeTakeFirstOrThrow()
  partner = await createMemberWithKeys(server, admin, { roleId: await createRoleSql(server, admin.businessId, uniformMatrix('ALL')), teamId: team.id })
  const { body } = await server.graphql(
    `{ users(first: 1) { nodes { id } } apiMembers(first: 1) { nodes { id } } apiKeys(first: 1) { nodes { id } }
       securityRoles(first: 1) { nodes { id } } teams(first: 1) { nodes { id } } auditEvents(first: 1) { nodes { id } } }`,
    { headers: admin.headers },
  )
  expect(body.errors).toBeUndefined()
  for (const [list, type] of [['users', 'User'], ['apiMembers', 'ApiMember'], ['apiKeys', 'ApiKey'], ['securityRoles', 'SecurityRole'], ['teams', 'Team'], ['auditEvents', 'AuditEvent']]) {
    ids[type!] = body.data[list!].nodes[0].id
  }
}, 60_000)
afterAll(() => server?.close())

const NODE = `query($id: ID!) { node(id: $id) { __typename id } }`
const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`

describe('node and nodes over the admin types', () => {
  it('refetch every admin type for an admin, one by one and all at once', async () => {
    for (const [type, id] of Object.entries(ids)) {
      const { body } = await server.graphql(NODE, { variables: { id }, headers: admin.headers })
      expect(body.errors, type).toBeUndefined()
      expect(body.data.node).toEqual({ __typename: type, id })
    }
    const { body } = await server.graphql(NODES, { variables: { ids: Object.values(ids) }, headers: admin.headers })
    expect(body.errors).toBeUndefined()
    expect(body.data.nodes).toEqual(Object.entries(ids).map(([type, id]) => ({ __typename: type, id })))
  })

  it('answer FORBIDDEN to an API key, whatever its role, at each index', async () => {
    const { body } = await server.graphql(NODES, { variables: { ids: Object.values(ids) }, headers: bearer(partner.primary.key) })
    expect(body.data.nodes).toEqual(Object.values(ids).map(() => null))
    expect(body.errors!.map((error: any) => [error.extensions.code, error.path])).toEqual(
      Object.values(ids).map((_id, index) => ['FORBIDDEN', ['nodes', index]]),
    )
  })

  it('answer NOT_FOUND for an object of another business, naming the argument', async () => {
    const away = await createBusiness(server.app.services.database.db, { name: 'Away' })
    const foreignRole = encodeGlobalId('SecurityRole', away.adminRoleId)
    const one = await server.graphql(NODE, { variables: { id: foreignRole }, headers: admin.headers })
    expect(one.body.data.node).toBeNull()
    expect(one.body.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' })
    const many = await server.graphql(NODES, { variables: { ids: [ids.Team, foreignRole] }, headers: admin.headers })
    expect(many.body.data.nodes).toEqual([{ __typename: 'Team', id: ids.Team }, null])
    expect(many.body.errors![0]).toMatchObject({ path: ['nodes', 1], extensions: { code: 'NOT_FOUND', field: 'ids' } })
  })
})

describe('audit events', () => {
  it('name records, keys and the ids in their details by global id, which node() resolves', async () => {
    const created = await server.graphql(
      `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`,
      { variables: { input: { type: 'CLIENT', firstName: 'Audited', lastName: 'Contact' } }, headers: admin.headers },
    )
    expect(created.body.errors).toBeUndefined()
    const contactId = created.body.data.createContact.contact.id
    const otherRole = encodeGlobalId('SecurityRole', await createRoleSql(server, admin.businessId))
    const moved = await server.graphql(
      `mutation($input: UpdateApiMemberInput!) { updateApiMember(input: $input) { id } }`,
      { variables: { input: { id: partner.globalId, roleId: otherRole } }, headers: admin.headers },
    )
    expect(moved.body.errors).toBeUndefined()
    const revoked = await server.graphql(`mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { id } }`, {
      variables: { input: { publicKey: partner.secondary.publicKey } }, headers: admin.headers,
    })
    expect(revoked.body.errors).toBeUndefined()
    const { body } = await server.graphql(`{ auditEvents(first: 10) { nodes { action targetType targetId details } } }`, { headers: admin.headers })
    const events = body.data.auditEvents.nodes as Array<{ action: string; targetType: string; targetId: string; details: any }>
    const contactEvent = events.find((event) => event.action === 'record.create')!
    expect(contactEvent).toMatchObject({ targetType: 'Contact', targetId: contactId })
    const memberEvent = events.find((event) => event.action === 'member.update')!
    expect(memberEvent.targetId).toBe(partner.globalId)
    expect(memberEvent.details.changes.roleId).toEqual({ from: encodeGlobalId('SecurityRole', partner.roleId), to: otherRole })
    const revokeEvent = events.find((event) => event.action === 'api_keys.revoke')!
    expect(revokeEvent.details.owner).toEqual({ type: 'ApiMember', id: partner.globalId })
    const keyEvent = events.find((event) => event.action === 'api_keys.generate')!
    for (const event of [contactEvent, memberEvent, keyEvent, revokeEvent]) {
      const node = await server.graphql(NODE, { variables: { id: event.targetId }, headers: admin.headers })
      expect(node.body.data.node, event.action).toEqual({ __typename: event.targetType, id: event.targetId })
    }
  })
})
