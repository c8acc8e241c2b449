import pino from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { insertSession, insertUser } from '../../setup/factories.js'
import { randomBytes, scryptSync } from 'node:crypto'
import { hashPassword, verifyPassword } from '../../../src/access/credentials/passwords.js'
import { grantsFromMatrix, uniformMatrix } from '../../../src/access/permissions.js'
import { generateSessionToken } from '../../../src/access/credentials/sessions.js'
import { SIGN_IN_REFUSED_MESSAGE, UNAUTHENTICATED_MESSAGE } from '../../../src/graphql/errors.js'
import { TWO_CREDENTIALS_MESSAGE } from '../../../src/access/credentials/credential-headers.js'
import { type TestServer, startTestServer } from '../../setup/app.js'
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type SignedIn,
  bearer,
  createMemberWithKeys,
  createRoleSql,
  signIn,
  signInAsAdmin,
  whoAmI,
  xApiKey,
} from '../../setup/clients.js'

const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { token expiresAt user { id email name } } }'

let server: TestServer
let admin: SignedIn
const logLines: string[] = []
/** Every secret this file sees; none may reach the audit table or the log. */
const secrets = new Set<string>([ADMIN_PASSWORD])

beforeAll(async () => {
  // Everything the server logs, at every level, unredacted: a secret must never be handed to the logger at all.
  const log = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) })
  server = await startTestServer({}, { log })
  admin = await signInAsAdmin(server)
  secrets.add(admin.token)
})
afterAll(() => server?.close())

const attempt = (email: string, password: string, headers: Record<string, string> = {}) =>
  server.graphql(SIGN_IN, { variables: { input: { email, password } }, headers })

async function addUser(email: string, password: string, active = true): Promise<string> {
  secrets.add(password)
  const role = await server.app.services.database.db
    .selectFrom('security_roles').select('id').where('business_id', '=', admin.businessId).where('is_builtin', '=', true)
    .executeTakeFirstOrThrow()
  return insertUser(server.app.services.database.db, {
    businessId: admin.businessId, name: email, email, passwordHash: await hashPassword(password), roleId: role.id, active,
  })
}

async function expectRefused(headers: Record<string, string>, query = '{ viewer { caller { id } } }', message = UNAUTHENTICATED_MESSAGE) {
  const { status, headers: answered, body } = await server.graphql(query, { headers })
  expect(status).toBe(401)
  expect(answered.get('www-authenticate')).toBe('Bearer realm="Gatehouse", Basic realm="Gatehouse"')
  expect(body.errors).toEqual([expect.objectContaining({ message, extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })])
}

describe('signIn', () => {
  test('returns a 12-hour session token that authenticates as the user', async () => {
    const { body } = await attempt(ADMIN_EMAIL.toUpperCase(), ADMIN_PASSWORD, { 'x-request-id': 'sign-in-1' })
    expect(body.errors).toBeUndefined()
    const { token, expiresAt, user } = body.data.signIn
    secrets.add(token)
    expect(token).toMatch(/^gs_[0-9A-Za-z]{49}$/)
    expect(Math.abs(Date.parse(expiresAt) - Date.now() - 12 * 3600_000)).toBeLessThan(60_000)
    expect(user.email).toBe(ADMIN_EMAIL)
    const viewer = await server.graphql(
      '{ viewer { caller { id kind } business { slug } role { name builtin } credential { kind publicKey } permissions { module operation level } } }',
      { headers: bearer(token) },
    )
    expect(viewer.body.data.viewer).toMatchObject({
      caller: { id: user.id, kind: 'USER' },
      business: { slug: admin.businessSlug },
      role: { name: 'Admin', builtin: true },
      credential: { kind: 'SESSION', publicKey: null },
    })
    expect(viewer.body.data.viewer.permissions).toEqual(grantsFromMatrix(uniformMatrix('ALL')))
    const audit = await server.app.services.database.db
      .selectFrom('audit_events').selectAll().where('action', '=', 'auth.sign_in').where('request_id', '=', 'sign-in-1')
      .executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ actor_id: admin.userId, target_type: 'User', target_id: admin.userId, client_address: '127.0.0.1' })
    expect(audit.credential).toMatch(/^session:\d+$/)
  })

  test('a wrong email, a wrong password and a deactivated user get the same answer in similar time', async () => {
    await addUser('gone@test.local', 'gone password 123', false)
    const cases = { wrongEmail: ['nobody@test.local', ADMIN_PASSWORD], wrongPassword: [ADMIN_EMAIL, 'not the password'], deactivated: ['gone@test.local', 'gone password 123'] }
    const answers: Record<string, unknown> = {}
    const times: Record<string, number[]> = {}
    for (let round = 0; round < 3; round++) {
      for (const [name, [email, password]] of Object.entries(cases)) {
        const started = performance.now()
        const { status, body } = await attempt(email!, password!)
        ;(times[name] ??= []).push(performance.now() - started)
        answers[name] = { status, data: body.data ?? null, errors: body.errors }
      }
    }
    expect(answers.wrongEmail).toEqual({ status: 401, data: null, errors: [expect.objectContaining({ message: SIGN_IN_REFUSED_MESSAGE, extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })] })
    expect(answers.wrongPassword).toEqual(answers.wrongEmail)
    expect(answers.deactivated).toEqual(answers.wrongEmail)
    // An unknown email is checked against a dummy hash: without it, it would answer ~100× faster.
    // A wrong password also writes the account's throttle row and an audit event, which a loaded
    // machine slows (seen: 30 ms against 91 ms), so the bound is far below 1 and far above 1/100.
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1]!
    expect(median(times.wrongEmail!)).toBeGreaterThan(median(times.wrongPassword!) * 0.15)
    const failures = await server.app.services.database.db
      .selectFrom('audit_events').select(['target_id', 'details']).where('action', '=', 'auth.sign_in_failed').execute()
    expect(failures.filter((row) => row.target_id === admin.userId).length).toBe(3)
  })

  test("answers the whole payload, the user's role and team included, in the request that signs in", async () => {
    const team = await server.app.services.database.db
      .insertInto('teams').values({ business_id: admin.businessId, name: 'Field crew' }).returning('id').executeTakeFirstOrThrow()
    const userId = await addUser('crew@test.local', 'crew password 1234')
    await server.app.services.database.db.updateTable('principals').set({ team_id: team.id }).where('id', '=', userId).execute()
    const { body } = await server.graphql(
      'mutation($input: SignInInput!) { signIn(input: $input) { token user { email role { name builtin } team { name } } } }',
      { variables: { input: { email: 'crew@test.local', password: 'crew password 1234' } } },
    )
    expect(body.errors).toBeUndefined()
    secrets.add(body.data.signIn.token)
    expect(body.data.signIn.user).toEqual({ email: 'crew@test.local', role: { name: 'Admin', builtin: true }, team: { name: 'Field crew' } })
    expect((await whoAmI(server, bearer(body.data.signIn.token))).body.data.viewer.caller.name).toBe('crew@test.local')
  })

  test('oversized input is BAD_USER_INPUT', async () => {
    const { body } = await attempt(ADMIN_EMAIL, 'x'.repeat(201))
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })
})

describe('signOut', () => {
  test('ends the current session only', async () => {
    const first = await signIn(server, ADMIN_EMAIL, ADMIN_PASSWORD)
    const second = await signIn(server, ADMIN_EMAIL, ADMIN_PASSWORD)
    secrets.add(first.token).add(second.token)
    expect((await whoAmI(server, first.headers)).status).toBe(200)
    const { body } = await server.graphql('mutation { signOut }', { headers: first.headers })
    expect({ ...body, extensions: undefined }).toEqual({ data: { signOut: true } })
    await expectRefused(first.headers)
    await expectRefused(first.headers, 'mutation { signOut }')
    expect((await whoAmI(server, second.headers)).status).toBe(200)
  })

  test('with an API key is FORBIDDEN', async () => {
    const member = await createMemberWithKeys(server, admin)
    secrets.add(member.primary.key).add(member.primary.privateKey)
    const { body } = await server.graphql('mutation { signOut }', { headers: xApiKey(member.primary.key) })
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  })
})

describe('bad credentials', () => {
  test('missing, malformed, oversized, unknown, revoked, expired keys and session tokens are all the same 401', async () => {
    const member = await createMemberWithKeys(server, admin)
    const expiring = await createMemberWithKeys(server, admin, { expiresAt: new Date(Date.now() + 1000).toISOString() })
    for (const k of [member.primary, member.secondary, expiring.primary, expiring.secondary]) secrets.add(k.key).add(k.privateKey)
    await server.graphql('mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { id } }', {
      variables: { input: { publicKey: member.primary.publicKey } },
      headers: admin.headers,
    })
    const signedOut = await signIn(server, ADMIN_EMAIL, ADMIN_PASSWORD)
    await server.graphql('mutation { signOut }', { headers: signedOut.headers })
    // A session past its end, written directly: nobody waits twelve hours.
    const expiredToken = generateSessionToken()
    await insertSession(server.app.services.database.db, {
      businessId: admin.businessId, userId: admin.userId, token: expiredToken, expiresAt: new Date(Date.now() - 1000),
    })
    const goneId = await addUser('leaver@test.local', 'leaver password 1')
    const leaver = await signIn(server, 'leaver@test.local', 'leaver password 1')
    await server.graphql('mutation($input: UpdateUserInput!) { updateUser(input: $input) { active } }', {
      variables: { input: { id: Buffer.from(`User:${goneId}`).toString('base64url'), active: false } },
      headers: admin.headers,
    })
    secrets.add(signedOut.token).add(expiredToken).add(leaver.token)
    await new Promise((resolve) => setTimeout(resolve, 1050))

    const cases: Record<string, Record<string, string>> = {
      'malformed bearer': { authorization: 'Bearer not-a-key' },
      'unknown scheme': { authorization: `Token ${member.secondary.key}` },
      'oversized': { authorization: `Bearer gk_${'A'.repeat(10_000)}` },
      'bad checksum': bearer(`${member.secondary.key.slice(0, -1)}${member.secondary.key.endsWith('A') ? 'B' : 'A'}`),
      'unknown key': bearer(`gk_${'A'.repeat(16)}${member.secondary.privateKey}`),
      'revoked key': bearer(member.primary.key),
      'expired key': xApiKey(expiring.primary.key),
      'unknown session': bearer(generateSessionToken()),
      'signed-out session': signedOut.headers,
      'expired session': bearer(expiredToken),
      'deactivated user session': leaver.headers,
    }
    for (const [name, headers] of Object.entries(cases)) {
      const { status, body } = await whoAmI(server, headers)
      expect({ name, status, body }).toEqual({
        name,
        status: 401,
        body: { errors: [expect.objectContaining({ message: UNAUTHENTICATED_MESSAGE, extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })] },
      })
    }
    // No credential at all: anything but signIn and introspection is refused the same way.
    await expectRefused({}, '{ jobs { totalCount } }')
    // The control: the untouched key still works.
    expect((await whoAmI(server, bearer(member.secondary.key))).status).toBe(200)
  })
})

describe('password hashes', () => {
  /** A hash as the scrypt era stored it: scrypt$<log2 N>$<r>$<p>$<salt>$<hash>. */
  const legacyHash = (password: string) => {
    const salt = randomBytes(16)
    const hash = scryptSync(password.normalize('NFKC'), salt, 32, { N: 2 ** 14, r: 8, p: 1 })
    return ['scrypt', 14, 8, 1, salt.toString('base64'), hash.toString('base64')].join('$')
  }

  test('new ones are argon2id at OWASP parameters; a scrypt one is upgraded at the next successful sign-in only', async () => {
    expect(await hashPassword('any password 123')).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    const userId = await addUser('legacy@test.local', 'placeholder password')
    const db = server.app.services.database.db
    const stored = () => db.selectFrom('principals').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow().then((row) => row.password_hash)
    const old = legacyHash('legacy password 1')
    secrets.add('legacy password 1')
    await db.updateTable('principals').set({ password_hash: old }).where('id', '=', userId).execute()
    expect((await attempt('legacy@test.local', 'wrong password 1')).status).toBe(401)
    expect(await stored()).toBe(old)
    const first = await attempt('legacy@test.local', 'legacy password 1')
    expect(first.body.errors).toBeUndefined()
    secrets.add(first.body.data.signIn.token)
    expect(await stored()).toMatch(/^\$argon2id\$/)
    const again = await attempt('legacy@test.local', 'legacy password 1')
    expect(again.body.errors).toBeUndefined()
    secrets.add(again.body.data.signIn.token)
  })

  test('a stored hash with absurd parameters is refused without being computed', async () => {
    const real = await hashPassword('tampered password 1')
    expect(await verifyPassword('tampered password 1', real)).toBe(true)
    expect(await verifyPassword('tampered password 1', real.replace('m=19456', 'm=9999999'))).toBe(false)
    expect(await verifyPassword('tampered password 1', 'scrypt$25$8$1$AAAA$AAAA')).toBe(false)
  })
})

describe('signIn stands alone in its operation', () => {
  test('beside any other field it is BAD_REQUEST before anything runs: no session, no write, whoever sends it', async () => {
    const db = server.app.services.database.db
    const sessions = async () => Number((await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    const before = await sessions()
    const input = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }
    for (const [query, headers] of [
      ['mutation($input: SignInInput!) { signIn(input: $input) { token } createTeam(input: { name: "After" }) { id } }', {}],
      ['mutation($input: SignInInput!) { createTeam(input: { name: "Before" }) { id } signIn(input: $input) { token } }', admin.headers],
      ['mutation($input: SignInInput!) { a: signIn(input: $input) { token } b: signIn(input: $input) { token } }', {}],
      ['mutation($input: SignInInput!) { ...F } fragment F on Mutation { signIn(input: $input) { token } createTeam(input: { name: "Spread" }) { id } }', admin.headers],
    ] as const) {
      const { status, body } = await server.graphql(query, { variables: { input }, headers })
      expect(status, query).toBe(400)
      expect(body.errors?.map((error) => error.extensions?.code), query).toEqual(['BAD_REQUEST'])
    }
    expect(await sessions()).toBe(before)
    expect(await db.selectFrom('teams').select('name').where('name', 'in', ['After', 'Before', 'Spread']).execute()).toEqual([])
    const alone = await server.graphql('mutation($input: SignInInput!) { __typename signIn(input: $input) { token } }', { variables: { input } })
    expect(alone.body.errors).toBeUndefined()
    secrets.add(alone.body.data.signIn.token)
  })
})

describe('two credentials at once', () => {
  test('are refused with a message that says so, even when both are valid', async () => {
    const member = await createMemberWithKeys(server, admin)
    secrets.add(member.primary.key).add(member.primary.privateKey)
    await expectRefused({ ...admin.headers, ...xApiKey(member.primary.key) }, undefined, TWO_CREDENTIALS_MESSAGE)
    expect((await whoAmI(server, xApiKey(member.primary.key))).status).toBe(200)
  })
})

describe('viewer', () => {
  test('shows a member its business, role, team and permission matrix', async () => {
    const matrix = uniformMatrix('NONE')
    matrix.JOBS = { INQUIRE: 'ALL', ADD: 'MY', EDIT: 'MINE', DELETE: 'NONE' }
    const roleId = await createRoleSql(server, admin.businessId, matrix, 'Partner reads jobs')
    const team = await server.app.services.database.db
      .insertInto('teams').values({ business_id: admin.businessId, name: 'Wholesale' }).returning('id').executeTakeFirstOrThrow()
    const member = await createMemberWithKeys(server, admin, { roleId, teamId: team.id, name: 'Acme sync' })
    secrets.add(member.primary.key).add(member.primary.privateKey)
    const { body } = await server.graphql(
      '{ viewer { caller { name kind } business { slug name } role { name builtin } team { name } credential { kind publicKey } permissions { module operation level } } }',
      { headers: bearer(member.primary.key) },
    )
    expect(body.data.viewer).toEqual({
      caller: { name: 'Acme sync', kind: 'API_MEMBER' },
      business: { slug: admin.businessSlug, name: 'Demo' },
      role: { name: 'Partner reads jobs', builtin: false },
      team: { name: 'Wholesale' },
      credential: { kind: 'API_KEY', publicKey: member.primary.publicKey },
      permissions: grantsFromMatrix(matrix),
    })
  })
})

describe('secrets', () => {
  test('never reach the audit log or the server log', async () => {
    const audit = JSON.stringify(await server.app.services.database.db.selectFrom('audit_events').selectAll().execute())
    expect(audit).toContain('auth.sign_in_failed')
    expect(logLines.join('\n')).toContain('credential refused')
    for (const secret of secrets) {
      expect(audit.includes(secret), 'audit').toBe(false)
      expect(logLines.some((line) => line.includes(secret)), 'log').toBe(false)
    }
  })
})
