import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertUser } from '../setup/factories.js'
import { createBusiness } from '../../src/access/businesses.js'
import { hashPassword } from '../../src/access/credentials/passwords.js'
import { MODULES, OPERATIONS } from '../../src/access/permissions.js'
import {
  AUDIT,
  CREATE_MEMBER,
  CREATE_ROLE,
  CREATE_USER,
  DELETE_ROLE,
  TEAM,
  UPDATE_MEMBER,
  UPDATE_ROLE,
  UPDATE_USER,
  adminClient,
  decodeId,
  encodeId,
  fails,
  ok,
} from '../setup/admin-client.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ADMIN_EMAIL, signInAsAdmin } from '../setup/clients.js'

/**
 * Admin management over real HTTP: teams, security roles, API members, users and the audit log,
 * as the bootstrap admin, as other callers (a non-admin user, API keys) and from another business.
 */

let server: TestServer
let client: ReturnType<typeof adminClient>
let admin: string
const as = (...args: Parameters<ReturnType<typeof adminClient>['as']>) => client.as(...args)
const db = () => client.db()
const counts = () => client.counts()
const signIn = (email: string, password: string) => client.signIn(email, password)

let adminRoleId: string

async function createRole(name: string, permissions: Array<{ module: string; operation: string; level: string }>) {
  return ok(await as(admin, CREATE_ROLE, { i: { name, permissions } })).createSecurityRole
}
async function createMember(name: string, roleId: string, teamId?: string) {
  return ok(await as(admin, CREATE_MEMBER, { i: { name, description: `${name} integration`, roleId, teamId } })).createApiMember
}
async function createUser(email: string, roleId: string, password = 'a long enough password') {
  return ok(await as(admin, CREATE_USER, { i: { email, name: email.split('@')[0], password, roleId } })).createUser
}

beforeAll(async () => {
  server = await startTestServer()
  client = adminClient(server)
  admin = (await signInAsAdmin(server)).token
  const roles = ok(await as(admin, `{ securityRoles { nodes { id builtin } } }`)).securityRoles.nodes
  adminRoleId = roles.find((role: { builtin: boolean }) => role.builtin).id
})

afterAll(async () => {
  await server?.close()
})

describe('creating and listing', () => {
  it('creates a team, a role (left-out pairs NONE), a member and a user, and lists them', async () => {
    const team = ok(await as(admin, TEAM, { i: { name: '  Integrations ' } })).createTeam
    expect(team.name).toBe('Integrations')

    const role = await createRole('Order sync', [
      { module: 'JOBS', operation: 'INQUIRE', level: 'ALL' },
      { module: 'SALES_ORDERS', operation: 'EDIT', level: 'MY' },
    ])
    expect(role).toMatchObject({ name: 'Order sync', builtin: false, memberCount: 0 })
    expect(role.permissions).toHaveLength(MODULES.length * OPERATIONS.length)
    const levels = Object.fromEntries(role.permissions.map((p: any) => [`${p.module}.${p.operation}`, p.level]))
    expect(levels['JOBS.INQUIRE']).toBe('ALL')
    expect(levels['SALES_ORDERS.EDIT']).toBe('MY')
    expect(Object.values(levels).filter((level) => level === 'NONE')).toHaveLength(14)

    const member = await createMember('Warehouse', role.id, team.id)
    expect(member).toMatchObject({
      name: 'Warehouse',
      description: 'Warehouse integration',
      active: true,
      role: { id: role.id, name: 'Order sync' },
      team: { id: team.id, name: 'Integrations' },
    })

    const user = await createUser('New.Person@Example.COM', role.id)
    expect(user).toMatchObject({ email: 'new.person@example.com', active: true, role: { id: role.id }, team: null })
    // The stored hash is a real one: the new user signs in with its password (email in any case).
    expect(await signIn('NEW.person@example.com', 'a long enough password')).toMatch(/^gs_/)

    const lists = ok(
      await as(admin, `{
        teams { totalCount nodes { id } }
        securityRoles { totalCount nodes { id name memberCount } }
        apiMembers { totalCount nodes { id } }
        users { totalCount nodes { id email } }
      }`),
    )
    expect(lists.teams.nodes.map((node: any) => node.id)).toContain(team.id)
    expect(lists.securityRoles.nodes.find((node: any) => node.id === role.id).memberCount).toBe(2)
    expect(lists.apiMembers.nodes.map((node: any) => node.id)).toContain(member.id)
    expect(lists.users.nodes.map((node: any) => node.email)).toEqual(expect.arrayContaining([ADMIN_EMAIL, 'new.person@example.com']))
    expect(lists.users.totalCount).toBe(lists.users.nodes.length)
  })

  it('pages admin lists by cursor and refuses pages over 100', async () => {
    const role = await createRole('Paging', [])
    for (const name of ['P1', 'P2', 'P3']) await createMember(name, role.id)
    const all = ok(await as(admin, `{ apiMembers(first: 100) { nodes { id } } }`)).apiMembers.nodes.map((n: any) => n.id)
    const page = `query($after: String) { apiMembers(first: 2, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`
    const seen: string[] = []
    let after: string | null = null
    for (let guard = 0; guard < 50; guard++) {
      const data: any = ok(await as(admin, page, { after })).apiMembers
      expect(data.totalCount).toBe(all.length)
      seen.push(...data.nodes.map((n: any) => n.id))
      if (!data.pageInfo.hasNextPage) break
      after = data.pageInfo.endCursor
    }
    expect(seen).toEqual(all)
    const tooMany = fails(await as(admin, `{ users(first: 101) { nodes { id } } }`), 'BAD_USER_INPUT')
    expect(tooMany.extensions?.field).toBe('first')
  })

  it('refuses a duplicate team or role name (in any letter case) and a taken email, writing nothing', async () => {
    ok(await as(admin, TEAM, { i: { name: 'Support' } }))
    const custom = await createRole('Custom', [])
    const before = await counts()
    expect(fails(await as(admin, TEAM, { i: { name: 'SUPPORT' } }), 'CONFLICT').extensions?.field).toBe('input.name')
    fails(await as(admin, CREATE_ROLE, { i: { name: 'admin', permissions: [] } }), 'CONFLICT')
    expect(fails(await as(admin, UPDATE_ROLE, { i: { id: custom.id, name: 'ADMIN' } }), 'CONFLICT').extensions?.field).toBe('input.name')
    const taken = fails(
      await as(admin, CREATE_USER, { i: { email: 'ADMIN@test.local', name: 'Copy', password: 'another password', roleId: adminRoleId } }),
      'CONFLICT',
    )
    // Emails are unique across Gatehouse; the answer says nothing about which business has it.
    expect(taken.message).toBe('That email address is already in use.')
    expect(await counts()).toEqual(before)
  })
})

describe('updating', () => {
  it('updates a member (teamId null removes the team) and audits only what changed', async () => {
    const role = await createRole('Reader', [{ module: 'CONTACTS', operation: 'INQUIRE', level: 'MINE' }])
    const other = await createRole('Writer', [{ module: 'CONTACTS', operation: 'ADD', level: 'ALL' }])
    const team = ok(await as(admin, TEAM, { i: { name: 'Field' } })).createTeam
    const member = await createMember('Mailer', role.id, team.id)
    const updated = ok(
      await as(admin, UPDATE_MEMBER, { i: { id: member.id, name: 'Mailer 2', roleId: other.id, teamId: null, description: member.description } }),
    ).updateApiMember
    expect(updated).toMatchObject({ id: member.id, name: 'Mailer 2', description: 'Mailer integration', role: { id: other.id }, team: null, active: true })
    const [event] = ok(await as(admin, AUDIT, { first: 1, filter: { action: 'member.update' } })).auditEvents.nodes
    expect(event.targetId).toBe(member.id)
    expect(event.details.fields).toEqual(['name', 'roleId', 'teamId'])
    expect(event.details.changes.name).toEqual({ from: 'Mailer', to: 'Mailer 2' })
  })

  it('renames a role and replaces its permissions', async () => {
    const role = await createRole('Temp', [{ module: 'JOBS', operation: 'INQUIRE', level: 'ALL' }])
    const updated = ok(
      await as(admin, UPDATE_ROLE, { i: { id: role.id, name: 'Temp 2', permissions: [{ module: 'CONTACTS', operation: 'DELETE', level: 'MINE' }] } }),
    ).updateSecurityRole
    const granted = updated.permissions.filter((p: any) => p.level !== 'NONE')
    expect(updated.name).toBe('Temp 2')
    expect(granted).toEqual([{ module: 'CONTACTS', operation: 'DELETE', level: 'MINE' }])
    const [event] = ok(await as(admin, AUDIT, { first: 1, filter: { action: 'role.update' } })).auditEvents.nodes
    expect(event.details.fields).toEqual(['name', 'permissions'])
    expect(event.details.permissions).toEqual(
      expect.arrayContaining([
        { module: 'JOBS', operation: 'INQUIRE', from: 'ALL', to: 'NONE' },
        { module: 'CONTACTS', operation: 'DELETE', from: 'NONE', to: 'MINE' },
      ]),
    )
  })

  it('refuses to delete a role while a member or user holds it, and deletes it once free', async () => {
    const role = await createRole('Short-lived', [])
    const spare = await createRole('Spare', [])
    const member = await createMember('Holder', role.id)
    const user = await createUser('holder@example.com', role.id)
    const before = await counts()
    const refused = fails(await as(admin, DELETE_ROLE, { i: { id: role.id } }), 'CONFLICT')
    expect(refused.message).toMatch(/held by 2/)
    expect(await counts()).toEqual(before)

    ok(await as(admin, UPDATE_MEMBER, { i: { id: member.id, roleId: spare.id } }))
    fails(await as(admin, DELETE_ROLE, { i: { id: role.id } }), 'CONFLICT')
    ok(await as(admin, UPDATE_USER, { i: { id: user.id, roleId: spare.id } }))
    expect(ok(await as(admin, DELETE_ROLE, { i: { id: role.id } })).deleteSecurityRole).toEqual({ id: role.id, name: 'Short-lived' })
    const ids = ok(await as(admin, `{ securityRoles(first: 100) { nodes { id } } }`)).securityRoles.nodes.map((n: any) => n.id)
    expect(ids).not.toContain(role.id)
    fails(await as(admin, DELETE_ROLE, { i: { id: role.id } }), 'NOT_FOUND')
  })

  it('keeps the built-in Admin role as it is: CONFLICT for any change or delete', async () => {
    const before = await counts()
    const stored = await db().selectFrom('security_roles').select(['name', 'permissions']).where('id', '=', decodeId(adminRoleId)).executeTakeFirstOrThrow()
    fails(await as(admin, UPDATE_ROLE, { i: { id: adminRoleId, name: 'Superuser' } }), 'CONFLICT')
    fails(await as(admin, UPDATE_ROLE, { i: { id: adminRoleId, permissions: [] } }), 'CONFLICT')
    expect(fails(await as(admin, DELETE_ROLE, { i: { id: adminRoleId } }), 'CONFLICT').message).toMatch(/built-in Admin role/)
    expect(await db().selectFrom('security_roles').select(['name', 'permissions']).where('id', '=', decodeId(adminRoleId)).executeTakeFirstOrThrow()).toEqual(stored)
    expect(await counts()).toEqual(before)
  })
})

describe('bad input', () => {
  it('names every bad field and writes nothing', async () => {
    const role = await createRole('Valid', [])
    const before = await counts()

    const member = fails(
      await as(admin, CREATE_MEMBER, { i: { name: '   ', description: 'x'.repeat(501), roleId: role.id } }),
      'BAD_USER_INPUT',
    )
    expect(member.extensions?.fields.map((f: any) => f.field).sort()).toEqual(['input.description', 'input.name'])

    const duplicate = fails(
      await as(admin, CREATE_ROLE, {
        i: {
          name: 'n'.repeat(101),
          permissions: [
            { module: 'JOBS', operation: 'INQUIRE', level: 'ALL' },
            { module: 'JOBS', operation: 'INQUIRE', level: 'MINE' },
          ],
        },
      }),
      'BAD_USER_INPUT',
    )
    expect(duplicate.extensions?.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'input.name' }),
        { field: 'input.permissions.1', message: 'JOBS INQUIRE is listed more than once.' },
      ]),
    )

    const user = fails(
      await as(admin, CREATE_USER, { i: { email: 'not-an-email', name: '', password: 'short', roleId: role.id } }),
      'BAD_USER_INPUT',
    )
    expect(user.extensions?.fields.map((f: any) => f.field).sort()).toEqual(['input.email', 'input.name', 'input.password'])
    // The message names the rule, never the value.
    expect(JSON.stringify(user)).not.toContain('short')

    const unknownLevel = await as(admin, CREATE_ROLE, { i: { name: 'x', permissions: [{ module: 'JOBS', operation: 'INQUIRE', level: 'SOME' }] } })
    expect(unknownLevel.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')

    fails(await as(admin, CREATE_MEMBER, { i: { name: 'Ghost', description: '', roleId: 'not-a-global-id' } }), 'NOT_FOUND')
    fails(await as(admin, CREATE_MEMBER, { i: { name: 'Ghost', description: '', roleId: encodeId('Team', '1') } }), 'NOT_FOUND')
    fails(await as(admin, CREATE_MEMBER, { i: { name: 'Ghost', description: '', roleId: encodeId('SecurityRole', '999999') } }), 'NOT_FOUND')
    expect(await counts()).toEqual(before)
  })
})

describe('tenant isolation', () => {
  it("treats another business's ids as NOT_FOUND and never lists its records", async () => {
    const other = await createBusiness(db(), { name: 'Other Co' })
    await insertUser(db(), { businessId: other.id, name: 'Otto', email: 'otto@other.test', passwordHash: await hashPassword('otto password'), roleId: other.adminRoleId })
    const otto = await signIn('otto@other.test', 'otto password')
    const theirTeam = ok(await as(otto, TEAM, { i: { name: 'Theirs' } })).createTeam
    const theirRole = ok(await as(otto, CREATE_ROLE, { i: { name: 'Theirs', permissions: [] } })).createSecurityRole
    const theirMember = ok(await as(otto, CREATE_MEMBER, { i: { name: 'Theirs', description: '', roleId: theirRole.id } })).createApiMember
    const theirUser = ok(await as(otto, CREATE_USER, { i: { email: 'their.user@other.test', name: 'T', password: 'their password', roleId: theirRole.id } })).createUser
    const ourRole = await createRole('Ours', [])
    const ourMember = await createMember('Ours', ourRole.id)
    const before = await counts()

    const attempts: Array<[string, Record<string, unknown>]> = [
      [CREATE_MEMBER, { i: { name: 'x', description: '', roleId: theirRole.id } }],
      [CREATE_MEMBER, { i: { name: 'x', description: '', roleId: ourRole.id, teamId: theirTeam.id } }],
      [UPDATE_MEMBER, { i: { id: theirMember.id, name: 'hijacked' } }],
      [UPDATE_MEMBER, { i: { id: ourMember.id, roleId: theirRole.id } }],
      [UPDATE_USER, { i: { id: theirUser.id, active: false } }],
      [UPDATE_ROLE, { i: { id: theirRole.id, name: 'hijacked' } }],
      [UPDATE_ROLE, { i: { id: other.adminRoleId, name: 'x' } }],
      [DELETE_ROLE, { i: { id: theirRole.id } }],
      [CREATE_USER, { i: { email: 'x@example.com', name: 'x', password: 'long password', roleId: theirRole.id } }],
    ]
    for (const [query, variables] of attempts) fails(await as(admin, query, variables), 'NOT_FOUND')
    // The Admin role of the other business, by its global id, is as unknown as any other id.
    fails(await as(admin, UPDATE_ROLE, { i: { id: encodeId('SecurityRole', other.adminRoleId), name: 'x' } }), 'NOT_FOUND')
    expect(await counts()).toEqual(before)

    const ours = ok(
      await as(admin, `{ teams(first: 100) { nodes { id } } securityRoles(first: 100) { nodes { id } } apiMembers(first: 100) { nodes { id } } users(first: 100) { nodes { id } } auditEvents(first: 100) { nodes { targetId } } }`),
    )
    const seen = JSON.stringify(ours)
    for (const theirs of [theirTeam.id, theirRole.id, theirMember.id, theirUser.id]) expect(seen).not.toContain(theirs)
  })
})
