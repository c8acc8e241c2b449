import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBusiness } from '../../../src/access/businesses.js'
import { hashPassword, passwordHashesComputed } from '../../../src/access/credentials/passwords.js'
import { SIGN_IN_THROTTLE, emailDigest, registerSignInAttempt } from '../../../src/access/credentials/sign-in-throttle.js'
import { encodeGlobalId } from '../../../src/graphql/global-id.js'
import { type TestServer, startTestServer } from '../../setup/app.js'
import { ADMIN_EMAIL, ADMIN_PASSWORD, type SignedIn, bearer, createMemberWithKeys, signIn, signInAsAdmin } from '../../setup/clients.js'
import { insertUser } from '../../setup/factories.js'
import { BACKGROUND_TABLES, StatementCounter } from '../../setup/in-process.js'

/**
 * Sign-in can't be brute-forced, nor turned against its owner: failures are counted per (account,
 * client address) whatever credential the request carries; past a few, attempts must wait, then
 * the pair locks; the lock is audited in the account's business and names no other tenant; the
 * same account still signs in from another address; an admin lifts the lock.
 */

let server: TestServer
let admin: SignedIn
const statements = new StatementCounter({ ignoring: BACKGROUND_TABLES })
/** The second loopback address (Linux routes all of 127/8 to lo): "another address" without leaving the machine. */
const ELSEWHERE = '127.0.0.2'

beforeAll(async () => {
  server = await startTestServer({ GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: '0', GATEHOUSE_COST_LIMIT: '0' }, { plugins: [statements] })
  admin = await signInAsAdmin(server)
}, 60_000)
afterAll(() => server?.close())

const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { token } }'

/** A sign-in over HTTP, from 127.0.0.1 or from `localAddress`. */
async function attempt(email: string, password: string, headers: Record<string, string> = {}, localAddress?: string) {
  const payload = JSON.stringify({ query: SIGN_IN, variables: { input: { email, password } } })
  const { status, retryAfter, text } = await new Promise<{ status: number; retryAfter: number; text: string }>((resolve, reject) => {
    const outgoing = request(`${server.url}/graphql`, {
      method: 'POST',
      localAddress,
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'content-length': Buffer.byteLength(payload), ...headers },
    }, (response) => {
      let text = ''
      response.setEncoding('utf8').on('data', (chunk) => (text += chunk)).on('end', () =>
        resolve({ status: response.statusCode ?? 0, retryAfter: Number(response.headers['retry-after'] ?? 0), text }))
    })
    outgoing.on('error', reject).end(payload)
  })
  const body = JSON.parse(text) as { data?: any; errors?: Array<{ extensions: { code: string } }> }
  return { status, retryAfter, code: body.errors?.[0]?.extensions.code ?? 'OK', token: body.data?.signIn?.token as string | undefined }
}

describe('sign-in throttling', () => {
  it('locks one address out of one account after repeated failures, whatever credentials ride along, audited without foreign ids', async () => {
    // Ten credentials of ANOTHER business ride along on the attempts, two keys of five members.
    const away = await createBusiness(server.app.services.database.db, { name: 'Away' })
    await insertUser(server.app.services.database.db, { businessId: away.id, name: 'Away admin', email: 'admin@away.test', roleId: away.adminRoleId, passwordHash: await hashPassword('away password 123') })
    const awayAdmin = await signIn(server, 'admin@away.test', 'away password 123')
    const credentials: Record<string, string>[] = []
    for (let member = 0; member < 5; member++) {
      const keys = await createMemberWithKeys(server, awayAdmin)
      credentials.push(bearer(keys.primary.key), bearer(keys.secondary.key))
    }

    const answers = []
    for (let i = 0; i < 50; i++) answers.push(await attempt(ADMIN_EMAIL, `wrong password ${i}`, credentials[i % credentials.length]))
    expect(answers.slice(0, SIGN_IN_THROTTLE.FREE_FAILURES).map((answer) => answer.code)).toEqual(Array(SIGN_IN_THROTTLE.FREE_FAILURES).fill('UNAUTHENTICATED'))
    const locked = answers.slice(SIGN_IN_THROTTLE.LOCK_AFTER - 1)
    for (const answer of locked) {
      expect(answer).toMatchObject({ status: 429, code: 'RATE_LIMITED' })
      expect(answer.retryAfter).toBeGreaterThan(SIGN_IN_THROTTLE.LOCK_SECONDS - 60)
      expect(answer.retryAfter).toBeLessThanOrEqual(SIGN_IN_THROTTLE.LOCK_SECONDS)
    }
    // Between the free failures and the lock, attempts that did not wait were refused, with the wait to honour.
    for (const answer of answers.slice(SIGN_IN_THROTTLE.FREE_FAILURES, SIGN_IN_THROTTLE.LOCK_AFTER - 1)) {
      expect(answer.code).toMatch(/^(RATE_LIMITED|UNAUTHENTICATED)$/)
      if (answer.code === 'RATE_LIMITED') expect(answer.retryAfter).toBeGreaterThanOrEqual(1)
    }

    // The right password is refused from this address while the lock holds…
    expect(await attempt(ADMIN_EMAIL, ADMIN_PASSWORD)).toMatchObject({ status: 429, code: 'RATE_LIMITED' })
    // …and the same account signs in from another address.
    const fromElsewhere = await attempt(ADMIN_EMAIL, ADMIN_PASSWORD, {}, ELSEWHERE)
    expect(fromElsewhere.code).toBe('OK')

    const db = server.app.services.database.db
    const events = await db.selectFrom('audit_events').selectAll().where('business_id', '=', admin.businessId)
      .where('action', 'in', ['auth.sign_in_failed', 'auth.sign_in_locked']).execute()
    expect(events.filter((event) => event.action === 'auth.sign_in_locked')).toHaveLength(1)
    for (const event of events) {
      expect(event).toMatchObject({ actor_id: null, credential: null, client_address: '127.0.0.1', target_id: admin.userId })
      expect((event.details as { email: string }).email).toBe(ADMIN_EMAIL)
    }
    // Nothing of the other business reached this one's log, and nothing was written to its own.
    const awayIds = new Set([away.id, ...(await db.selectFrom('principals').select('id').where('business_id', '=', away.id).execute()).map((row) => row.id)])
    for (const event of events) expect(awayIds.has(String(event.actor_id))).toBe(false)
    expect(await db.selectFrom('audit_events').select('action').where('business_id', '=', away.id).where('action', 'like', 'auth.sign_in_%').execute()).toEqual([])

    // An admin (signed in from elsewhere) lifts it; the right password works from here again.
    const lift = await server.graphql('mutation($input: LiftSignInLocksInput!) { liftSignInLocks(input: $input) }', {
      variables: { input: { userId: encodeGlobalId('User', admin.userId) } }, headers: bearer(fromElsewhere.token!),
    })
    expect({ ...lift.body, extensions: undefined }).toEqual({ data: { liftSignInLocks: 1 } })
    expect((await attempt(ADMIN_EMAIL, ADMIN_PASSWORD)).code).toBe('OK')
  }, 120_000)

  it('does the same work for an unknown email as for a wrong password: one hash, the same statements', async () => {
    const work = async (email: string) => {
      const [hashes, sql] = [passwordHashesComputed(), statements.count]
      expect((await attempt(email, 'not the password')).code).toBe('UNAUTHENTICATED')
      return { hashes: passwordHashesComputed() - hashes, reads: statements.count - sql }
    }
    await work('warm-up@nowhere.test') // the dummy hash is made once, on first use
    const known = await work(ADMIN_EMAIL)
    const unknown = await work('nobody@nowhere.test')
    expect(known.hashes).toBe(1)
    expect(unknown.hashes).toBe(1)
    // A known account's failure also writes its audit event: that one insert is the only difference.
    expect(known.reads - 1).toBe(unknown.reads)
  })

  it('checks the password again once a lock ends, and counts parallel attempts one by one', async () => {
    const db = server.app.services.database.db
    const start = new Date('2026-06-01T10:00:00Z')
    const at = (seconds: number) => new Date(start.getTime() + seconds * 1000)
    let answer = await registerSignInAttempt(db, 'clock@test.local', '10.9.9.9', start)
    for (let i = 1; i < SIGN_IN_THROTTLE.LOCK_AFTER; i++) answer = await registerSignInAttempt(db, 'clock@test.local', '10.9.9.9', at(i))
    expect(answer).toMatchObject({ kind: 'refused', locked: true, lockedNow: true })
    const afterLock = at(SIGN_IN_THROTTLE.LOCK_AFTER + SIGN_IN_THROTTLE.LOCK_SECONDS)
    expect(await registerSignInAttempt(db, 'clock@test.local', '10.9.9.9', afterLock)).toEqual({ kind: 'allowed' })

    const parallel = await Promise.all(Array.from({ length: 8 }, () => registerSignInAttempt(db, 'burst@test.local', '10.9.9.8')))
    const row = await db.selectFrom('sign_in_throttles').select('failures').where('email_digest', '=', emailDigest('burst@test.local')).executeTakeFirstOrThrow()
    expect(row.failures).toBe(8)
    expect(parallel.filter((attempt) => attempt.kind === 'allowed').length).toBeLessThanOrEqual(SIGN_IN_THROTTLE.FREE_FAILURES + 1)
  })

  it('lets parallel sign-ins through while no wait is owed, whichever read the clock first', async () => {
    const db = server.app.services.database.db
    const start = new Date('2026-06-02T10:00:00Z')
    // The second attempt's clock was read before the first's (it queued on the row meanwhile).
    expect(await registerSignInAttempt(db, 'skew@test.local', '10.9.9.7', new Date(start.getTime() + 5))).toEqual({ kind: 'allowed' })
    expect(await registerSignInAttempt(db, 'skew@test.local', '10.9.9.7', start)).toEqual({ kind: 'allowed' })
    const both = await Promise.all([attempt(ADMIN_EMAIL, ADMIN_PASSWORD), attempt(ADMIN_EMAIL, ADMIN_PASSWORD)])
    expect(both.map((answer) => answer.status)).toEqual([200, 200])
  })
})
