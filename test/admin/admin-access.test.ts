import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AUDIT,
  CHANGE_PASSWORD,
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
  fails,
  ok,
} from '../setup/admin-client.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ADMIN_EMAIL, ADMIN_PASSWORD, type SignedIn, signInAsAdmin } from '../setup/clients.js'

/**
 * Who may manage access, and how fast changes reach credentials: only admin users with a session
 * (never a key, whatever its role); a role's new grants, a member's deactivation and a user's
 * deactivation apply on the very next request; the last admin stays; passwords; the audit log.
 */

let server: TestServer
let client: ReturnType<typeof adminClient>
let adminSignIn: SignedIn
let admin: string
let adminRoleId: string
let adminUserId: string

const JOBS = `{ jobs(first: 1) { totalCount } }`

async function createRole(name: string, permissions: Array<{ module: string; operation: string; level: string }> = []) {
  return ok(await client.as(admin, CREATE_ROLE, { i: { name, permissions } })).createSecurityRole
}
async function createMember(name: string, roleId: string) {
  return ok(await client.as(admin, CREATE_MEMBER, { i: { name, description: '', roleId } })).createApiMember
}
async function createUser(email: string, roleId: string, password = 'a long enough password') {
  return ok(await client.as(admin, CREATE_USER, { i: { email, name: email.split('@')[0], password, roleId } })).createUser
}

beforeAll(async () => {
  server = await startTestServer()
  client = adminClient(server)
  adminSignIn = await signInAsAdmin(server)
  admin = adminSignIn.token
  const data = ok(await client.as(admin, `{ securityRoles { nodes { id builtin } } users { nodes { id email } } }`))
  adminRoleId = data.securityRoles.nodes.find((role: { builtin: boolean }) => role.builtin).id
  adminUserId = data.users.nodes.find((user: { email: string }) => user.email === ADMIN_EMAIL).id
})

afterAll(async () => {
  await server?.close()
})

describe('only signed-in admins manage access', () => {
  it('refuses every admin query and mutation to API keys (even an Admin-role key) and to non-admin users', async () => {
    const role = await createRole('Everything but admin', [{ module: 'JOBS', operation: 'INQUIRE', level: 'ALL' }])
    const target = await createMember('Target', role.id)
    const adminMember = await createMember('Admin-role robot', adminRoleId)
    const memberKey = await client.generateKeys(adminSignIn, { memberId: adminMember.id })
    const userKey = await client.generateKeys(adminSignIn, { userId: adminUserId })
    await createUser('plain@example.com', role.id)
    const plainSession = await client.signIn('plain@example.com', 'a long enough password')

    const operations: Record<string, [string, Record<string, unknown>?]> = {
      teams: [`{ teams { nodes { id } } }`],
      apiMembers: [`{ apiMembers { nodes { id } } }`],
      securityRoles: [`{ securityRoles { nodes { id } } }`],
      users: [`{ users { nodes { id } } }`],
      auditEvents: [`{ auditEvents { nodes { id } } }`],
      createTeam: [TEAM, { i: { name: 'Sneaky' } }],
      createSecurityRole: [CREATE_ROLE, { i: { name: 'Sneaky', permissions: [] } }],
      updateSecurityRole: [UPDATE_ROLE, { i: { id: role.id, name: 'Sneaky' } }],
      deleteSecurityRole: [DELETE_ROLE, { i: { id: role.id } }],
      createApiMember: [CREATE_MEMBER, { i: { name: 'Sneaky', description: '', roleId: adminRoleId } }],
      updateApiMember: [UPDATE_MEMBER, { i: { id: target.id, roleId: adminRoleId } }],
      createUser: [CREATE_USER, { i: { email: 'sneaky@example.com', name: 'S', password: 'sneaky password', roleId: adminRoleId } }],
      updateUser: [UPDATE_USER, { i: { id: adminUserId, active: false } }],
    }
    const before = await client.counts()
    for (const [credential, who] of [[memberKey, 'Admin-role member key'], [userKey, "admin user's own key"], [plainSession, 'non-admin session']]) {
      for (const [field, [query, variables]] of Object.entries(operations)) {
        const result = await client.as(credential!, query, variables)
        expect(result.body.errors?.[0]?.extensions?.code, `${field} as ${who}`).toBe('FORBIDDEN')
        expect(result.body.data?.[field] ?? null, `${field} as ${who}`).toBeNull()
      }
    }
    // changePassword is any user's own, but only with a session: a leaked key cannot take the account.
    fails(await client.as(userKey, CHANGE_PASSWORD, { i: { oldPassword: ADMIN_PASSWORD, newPassword: 'stolen password' } }), 'FORBIDDEN')
    fails(await client.as(memberKey, CHANGE_PASSWORD, { i: { oldPassword: 'x', newPassword: 'stolen password' } }), 'FORBIDDEN')
    expect(await client.counts()).toEqual(before)
    // The same keys still do what their role grants.
    ok(await client.as(memberKey, JOBS))
  })
})

describe('changes apply on the very next request', () => {
  it("applies a role's new permissions, a new role and deactivation to a member's key at once", async () => {
    const reader = await createRole('Job reader', [{ module: 'JOBS', operation: 'INQUIRE', level: 'ALL' }])
    const member = await createMember('Sync robot', reader.id)
    const key = await client.generateKeys(adminSignIn, { memberId: member.id })
    ok(await client.as(key, JOBS)) // cached now: the next check must not be served stale

    const withoutJobs = [{ module: 'CONTACTS', operation: 'INQUIRE', level: 'ALL' }]
    ok(await client.as(admin, UPDATE_ROLE, { i: { id: reader.id, permissions: withoutJobs } }))
    fails(await client.as(key, JOBS), 'FORBIDDEN')
    ok(await client.as(key, `{ contacts(first: 1) { totalCount } }`))

    const jobsAgain = await createRole('Jobs again', [{ module: 'JOBS', operation: 'INQUIRE', level: 'MINE' }])
    ok(await client.as(admin, UPDATE_MEMBER, { i: { id: member.id, roleId: jobsAgain.id } }))
    const viewer = ok(await client.as(key, `{ viewer { role { name } } jobs(first: 1) { totalCount } }`))
    expect(viewer.viewer.role.name).toBe('Jobs again')

    ok(await client.as(admin, UPDATE_MEMBER, { i: { id: member.id, active: false } }))
    const refused = await client.as(key, JOBS)
    expect(refused.status).toBe(401)
    fails(refused, 'UNAUTHENTICATED')
    ok(await client.as(admin, UPDATE_MEMBER, { i: { id: member.id, active: true } }))
    ok(await client.as(key, JOBS))
  })

  it("ends a deactivated user's sessions and keys at once", async () => {
    const user = await createUser('leaver@example.com', adminRoleId)
    const session = await client.signIn('leaver@example.com', 'a long enough password')
    const key = await client.generateKeys(adminSignIn, { userId: user.id })
    ok(await client.as(session, `{ users { totalCount } }`))
    ok(await client.as(key, JOBS))

    const result = ok(await client.as(admin, UPDATE_USER, { i: { id: user.id, active: false } })).updateUser
    expect(result.active).toBe(false)
    expect((await client.as(session, `{ viewer { caller { name } } }`)).status).toBe(401)
    expect((await client.as(key, JOBS)).status).toBe(401)
    const open = await client.db().selectFrom('sessions').select('id').where('user_id', '=', decodeId(user.id)).where('revoked_at', 'is', null).execute()
    expect(open).toEqual([])
    // A deactivated user cannot sign in either.
    fails(await client.as(null, `mutation { signIn(input: {email: "leaver@example.com", password: "a long enough password"}) { token } }`), 'UNAUTHENTICATED')
  })

  it('never leaves the business without an active admin, even when two admins demote each other at once', async () => {
    const staff = await createRole('Staff')
    // The bootstrap admin is the only admin: it can neither leave nor step down.
    const stay = await client.counts()
    expect(fails(await client.as(admin, UPDATE_USER, { i: { id: adminUserId, active: false } }), 'CONFLICT').extensions?.field).toBe('input.active')
    fails(await client.as(admin, UPDATE_USER, { i: { id: adminUserId, roleId: staff.id } }), 'CONFLICT')
    expect(await client.counts()).toEqual(stay)

    const second = await createUser('second.admin@example.com', adminRoleId)
    const secondSession = await client.signIn('second.admin@example.com', 'a long enough password')
    const [first, other] = await Promise.all([
      client.as(admin, UPDATE_USER, { i: { id: second.id, roleId: staff.id } }),
      client.as(secondSession, UPDATE_USER, { i: { id: adminUserId, roleId: staff.id } }),
    ])
    const codes = [first, other].map((result) => result.body.errors?.[0]?.extensions?.code ?? 'OK').sort()
    // Exactly one demotion wins; the other sees it and is refused (CONFLICT), or, when the loser's
    // own demotion landed first, its session is no longer an admin's (FORBIDDEN).
    expect(codes[0]).not.toBe('OK')
    expect(codes[1]).toBe('OK')
    const admins = await client.db()
      .selectFrom('principals as p')
      .innerJoin('security_roles as r', (join) => join.onRef('r.business_id', '=', 'p.business_id').onRef('r.id', '=', 'p.role_id'))
      .select('p.email')
      .where('r.is_builtin', '=', true)
      .where('p.kind', '=', 'USER')
      .where('p.active', '=', true)
      .execute()
    expect(admins).toHaveLength(1)
    if (admins[0]!.email !== ADMIN_EMAIL) {
      // The second admin won: it restores the bootstrap admin so later tests keep their session.
      ok(await client.as(secondSession, UPDATE_USER, { i: { id: adminUserId, roleId: adminRoleId } }))
    }
  })
})

describe('changePassword', () => {
  it("changes the signed-in user's own password and signs its other sessions out", async () => {
    const role = await createRole('No admin')
    await createUser('changer@example.com', role.id, 'first password')
    const current = await client.signIn('changer@example.com', 'first password')
    const elsewhere = await client.signIn('changer@example.com', 'first password')

    const wrong = fails(await client.as(current, CHANGE_PASSWORD, { i: { oldPassword: 'not it at all', newPassword: 'second password' } }), 'BAD_USER_INPUT')
    expect(wrong.extensions?.field).toBe('input.oldPassword')
    expect(fails(await client.as(current, CHANGE_PASSWORD, { i: { oldPassword: 'first password', newPassword: 'short' } }), 'BAD_USER_INPUT').extensions?.field).toBe('input.newPassword')
    ok(await client.as(elsewhere, `{ viewer { caller { name } } }`))

    const changed = ok(await client.as(current, CHANGE_PASSWORD, { i: { oldPassword: 'first password', newPassword: 'second password' } }))
    expect(changed.changePassword.email).toBe('changer@example.com')
    ok(await client.as(current, `{ viewer { caller { name } } }`))
    expect((await client.as(elsewhere, `{ viewer { caller { name } } }`)).status).toBe(401)
    fails(await client.as(null, `mutation { signIn(input: {email: "changer@example.com", password: "first password"}) { token } }`), 'UNAUTHENTICATED')
    expect(await client.signIn('changer@example.com', 'second password')).toMatch(/^gs_/)
  })
})

describe('auditEvents', () => {
  it('records every change with actor, request id and client address, and never a secret', async () => {
    const headers = { 'x-request-id': 'audit-test-1' }
    const secret = 'audit secret password'
    const role = ok(await client.as(admin, CREATE_ROLE, { i: { name: 'Audited', permissions: [] } }, headers)).createSecurityRole
    const user = ok(await client.as(admin, CREATE_USER, { i: { email: 'audited@example.com', name: 'A', password: secret, roleId: role.id } }, headers)).createUser
    const session = await client.signIn('audited@example.com', secret)
    ok(await client.as(session, CHANGE_PASSWORD, { i: { oldPassword: secret, newPassword: `${secret} 2` } }, headers))

    const events = ok(await client.as(admin, AUDIT, { first: 10 })).auditEvents.nodes
    const [changed, signedIn, created, roleCreated] = events
    expect(changed).toMatchObject({ action: 'user.password_change', targetType: 'User', targetId: user.id, requestId: 'audit-test-1', details: { fields: ['password'] } })
    expect(changed.actor.id).toBe(user.id)
    expect(changed.credential).toMatch(/^session:\d+$/)
    expect(signedIn.action).toBe('auth.sign_in')
    expect(created).toMatchObject({ action: 'user.create', targetId: user.id, actor: { id: adminUserId }, requestId: 'audit-test-1' })
    expect(created.clientAddress).toMatch(/127\.0\.0\.1/)
    expect(created.details.fields).toEqual(['email', 'name', 'roleId'])
    expect(roleCreated).toMatchObject({ action: 'role.create', targetId: role.id })

    // Neither the passwords nor their hashes reach the log.
    const rows = JSON.stringify(await client.db().selectFrom('audit_events').selectAll().execute())
    const hashes = await client.db().selectFrom('principals').select('password_hash').where('password_hash', 'is not', null).execute()
    expect(rows).not.toContain(secret)
    for (const { password_hash } of hashes) expect(rows).not.toContain(password_hash!.split('$').at(-1))
  })

  it('pages newest first by keyset, filters by action and time, and bounds the page size', async () => {
    for (let i = 0; i < 5; i++) ok(await client.as(admin, TEAM, { i: { name: `Paged ${i}` } }))
    const all = ok(await client.as(admin, AUDIT, { first: 100 })).auditEvents
    const times = all.nodes.map((event: { occurredAt: string }) => event.occurredAt)
    expect([...times].sort().reverse()).toEqual(times)

    const seen: string[] = []
    let after: string | null = null
    for (let guard = 0; guard < 100; guard++) {
      const page: any = ok(await client.as(admin, AUDIT, { first: 3, after })).auditEvents
      expect(page.totalCount).toBe(all.totalCount)
      seen.push(...page.nodes.map((event: { id: string }) => event.id))
      if (!page.pageInfo.hasNextPage) break
      after = page.pageInfo.endCursor
    }
    expect(seen).toEqual(all.nodes.map((event: { id: string }) => event.id))
    const edges = ok(await client.as(admin, `{ auditEvents(first: 100) { edges { cursor node { id } } } }`)).auditEvents.edges
    const back = ok(await client.as(admin, AUDIT, { last: 2, before: edges[3].cursor })).auditEvents
    expect(back.nodes.map((event: { id: string }) => event.id)).toEqual([edges[1].node.id, edges[2].node.id])
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true })

    const teams = ok(await client.as(admin, AUDIT, { first: 100, filter: { action: 'team.create' } })).auditEvents
    expect(teams.nodes.length).toBeGreaterThanOrEqual(5)
    expect(teams.nodes.every((event: { action: string }) => event.action === 'team.create')).toBe(true)
    const since = ok(await client.as(admin, AUDIT, { first: 100, filter: { since: times[4] } })).auditEvents
    expect(since.nodes.every((event: { occurredAt: string }) => event.occurredAt >= times[4])).toBe(true)
    expect(since.nodes.length).toBeGreaterThanOrEqual(5)

    expect(fails(await client.as(admin, AUDIT, { first: 101 }), 'BAD_USER_INPUT').extensions?.field).toBe('first')
    fails(await client.as(admin, AUDIT, { first: 1, after: 'garbage' }), 'BAD_USER_INPUT')
  })
})
