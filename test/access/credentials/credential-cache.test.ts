import { sql } from 'kysely'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { invalidateCredentials } from '../../../src/access/credentials/authenticate.js'
import { generateApiKey } from '../../../src/access/credentials/api-keys.js'
import { uniformMatrix } from '../../../src/access/permissions.js'
import { type App, createApp } from '../../../src/app.js'
import { loadConfig } from '../../../src/config.js'
import { type TestServer, startTestServer } from '../../setup/app.js'
import { type SignedIn, basic, bearer, createMemberWithKeys, signInAsAdmin, xApiKey } from '../../setup/clients.js'
import { BACKGROUND_TABLES, StatementCounter } from '../../setup/in-process.js'
import { eventually } from '../../setup/eventually.js'

/**
 * The fast path: a key failing its checksum never reaches the database, a cached key costs no
 * statement, `last_used_at` is written once, and invalidations reach a second instance sharing the
 * database (in process on PGlite, LISTEN/NOTIFY on PostgreSQL, Redis when REDIS_URL is set).
 */

let server: TestServer
let admin: SignedIn
const counter = new StatementCounter({ ignoring: BACKGROUND_TABLES })

beforeAll(async () => {
  server = await startTestServer({}, { plugins: [counter] })
  admin = await signInAsAdmin(server)
})
afterAll(() => server?.close())

const typename = (headers: Record<string, string>) => server.graphql('{ __typename }', { headers })

/** Statements the server sent while `work` ran (after its background writes settle). */
async function statementsDuring(work: () => Promise<unknown>): Promise<number> {
  const before = counter.count
  await work()
  await new Promise((resolve) => setTimeout(resolve, 30))
  return counter.count - before
}

describe('the fast path', () => {
  test('a key failing its checksum is refused without a database statement, in every header form', async () => {
    const member = await createMemberWithKeys(server, admin)
    const broken = `${member.primary.privateKey.slice(0, -1)}${member.primary.privateKey.endsWith('A') ? 'B' : 'A'}`
    const forms = [bearer(`gk_${member.primary.publicKey}${broken}`), xApiKey(`gk_${member.primary.publicKey}${broken}`), basic(admin.businessSlug, member.primary.publicKey, broken)]
    const used = await statementsDuring(async () => {
      for (const headers of forms) expect((await typename(headers)).status).toBe(401)
    })
    expect(used).toBe(0)
    // The control: a well-formed key the cache has not seen does reach the database.
    const unknown = await statementsDuring(async () => expect((await typename(bearer(member.secondary.key))).status).toBe(200))
    expect(unknown).toBeGreaterThan(0)
  })

  test('a cached key costs no statement; last_used_at is written on first use only', async () => {
    const member = await createMemberWithKeys(server, admin)
    const first = await statementsDuring(() => typename(bearer(member.primary.key)))
    // Key row, principal, last_used_at.
    expect(first).toBe(3)
    const again = await statementsDuring(async () => {
      for (let i = 0; i < 20; i++) expect((await typename(i % 2 ? bearer(member.primary.key) : basic(admin.businessSlug, member.primary.publicKey, member.primary.privateKey))).status).toBe(200)
    })
    expect(again).toBe(0)
    const row = await server.app.services.database.db
      .selectFrom('api_keys').select('last_used_at').where('public_key', '=', member.primary.publicKey).executeTakeFirstOrThrow()
    expect(row.last_used_at).not.toBeNull()
    // A wrong private key for a cached public key is refused from the cache, too.
    const forged = await statementsDuring(async () => expect((await typename(basic(admin.businessSlug, member.primary.publicKey, member.secondary.privateKey))).status).toBe(401))
    expect(forged).toBe(0)
    // The key that matched before still does, and the forged one stays refused.
    expect((await typename(bearer(member.primary.key))).status).toBe(200)
    expect((await typename(basic(admin.businessSlug, member.primary.publicKey, member.secondary.privateKey))).status).toBe(401)
  })

  test('an unknown public key costs one lookup, then none: as cheap as a known key with a wrong private part', async () => {
    const made = generateApiKey()
    const first = await statementsDuring(async () => expect((await typename(bearer(made.key))).status).toBe(401))
    expect(first).toBe(1)
    const again = await statementsDuring(async () => {
      for (let i = 0; i < 5; i++) expect((await typename(bearer(made.key))).status).toBe(401)
    })
    expect(again).toBe(0)
  })

  test('an invalidation makes the next request read the database again', async () => {
    const member = await createMemberWithKeys(server, admin)
    await typename(bearer(member.primary.key))
    await invalidateCredentials(server.app.services, { roleId: member.roleId })
    expect(await statementsDuring(() => typename(bearer(member.primary.key)))).toBeGreaterThan(0)
  })
})

describe('a second instance on the same database', () => {
  const variants = [
    { name: 'default bus', env: {} as Record<string, string> },
    ...(process.env.REDIS_URL ? [{ name: 'redis', env: { REDIS_URL: process.env.REDIS_URL } }] : []),
  ]
  for (const variant of variants) {
    test(`hears revocations and role changes at once (${variant.name})`, async () => {
      const config = loadConfig({ NODE_ENV: 'test', GATEHOUSE_DEMO_DATA: '0', GATEHOUSE_KEY_PEPPER: 'test-pepper-0123456789abcdef', ...variant.env })
      const log = pino({ level: 'silent' })
      const [one, two]: App[] = await Promise.all([0, 1].map(() => createApp(config, { database: server.app.services.database, log })))
      try {
        const expected = variant.env.REDIS_URL ? 'redis' : server.app.services.database.kind === 'postgres' ? 'postgres' : 'local'
        expect(one!.services.credentials.stats().bus).toBe(expected)
        const member = await createMemberWithKeys(server, admin)
        const ask = (app: App, headers: Record<string, string>, query = '{ viewer { permissions { level } } }', variables = {}) =>
          app.yoga.fetch('http://gatehouse/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify({ query, variables }),
          })
        // Both instances cache both keys.
        for (const app of [one!, two!]) {
          for (const key of [member.primary, member.secondary]) expect((await ask(app, bearer(key.key))).status).toBe(200)
        }

        // A role change published on instance one...
        await server.app.services.database.db
          .updateTable('security_roles').set({ permissions: JSON.stringify(uniformMatrix('NONE')) }).where('id', '=', member.roleId).execute()
        await one!.services.credentials.invalidate({ roleId: member.roleId })
        // ...applies on instance two's very next request (the bus may take a moment to deliver).
        await eventually(async () => {
          const body = (await (await ask(two!, bearer(member.primary.key))).json()) as { data: { viewer: { permissions: Array<{ level: string }> } } }
          expect(body.data.viewer.permissions.every((p) => p.level === 'NONE')).toBe(true)
        }, 1_000)
        // A revocation through the real mutation on instance two reaches instance one.
        const revoked = await ask(two!, admin.headers, 'mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { active } }', {
          input: { publicKey: member.secondary.publicKey },
        })
        expect({ ...(await revoked.json()), extensions: undefined }).toEqual({ data: { revokeApiKey: { active: false } } })
        for (const app of [one!, two!]) await eventually(async () => expect((await ask(app, bearer(member.secondary.key))).status).toBe(401), 1_000)
      } finally {
        await Promise.all([one!.close(), two!.close()])
      }
    })
  }
})

describe.runIf(process.env.DATABASE_URL)('the LISTEN connection', () => {
  test('when lost, cached credentials live at most a second; when back, invalidations arrive again', async () => {
    const config = loadConfig({ NODE_ENV: 'test', GATEHOUSE_DEMO_DATA: '0', GATEHOUSE_KEY_PEPPER: 'test-pepper-0123456789abcdef' })
    const other = await createApp(config, { database: server.app.services.database, log: pino({ level: 'silent' }) })
    try {
      const member = await createMemberWithKeys(server, admin)
      const statusOf = async (key: string) =>
        (await other.yoga.fetch('http://gatehouse/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(key) }, body: '{"query":"{ __typename }"}' })).status
      expect(await statusOf(member.primary.key)).toBe(200)
      await server.app.services.database.db.executeQuery(
        sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'gatehouse-listen'`.compile(server.app.services.database.db),
      )
      await eventually(async () => expect(other.services.credentials.stats().busHealthy).toBe(false), 1_000)
      // While deaf, a revocation written behind its back still applies within a second.
      await server.app.services.database.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('public_key', '=', member.primary.publicKey).execute()
      const revokedAt = Date.now()
      await eventually(async () => expect(await statusOf(member.primary.key)).toBe(401), 3000)
      expect(Date.now() - revokedAt).toBeLessThanOrEqual(1_200)
      await eventually(async () => expect(other.services.credentials.stats().busHealthy).toBe(true), 5000)
      // Back and listening: a revocation announced by another instance arrives.
      expect(await statusOf(member.secondary.key)).toBe(200)
      await server.graphql('mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { id } }', {
        variables: { input: { publicKey: member.secondary.publicKey } },
        headers: admin.headers,
      })
      await eventually(async () => expect(await statusOf(member.secondary.key)).toBe(401), 1_000)
    } finally {
      await other.close()
    }
  })
})

describe('the key pepper', () => {
  test('a changed pepper is reported at start, and keys hashed with the old one are refused', async () => {
    const member = await createMemberWithKeys(server, admin)
    const lines: string[] = []
    const config = loadConfig({ NODE_ENV: 'test', GATEHOUSE_DEMO_DATA: '0', GATEHOUSE_KEY_PEPPER: 'a-different-pepper-0123456789' })
    const other = await createApp(config, { database: server.app.services.database, log: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) })
    try {
      expect(lines.join('')).toContain('GATEHOUSE_KEY_PEPPER differs')
      expect(lines.join('')).not.toContain('a-different-pepper')
      const response = await other.yoga.fetch('http://gatehouse/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(member.primary.key) },
        body: '{"query":"{ __typename }"}',
      })
      expect(response.status).toBe(401)
    } finally {
      await other.close()
    }
  })
})
