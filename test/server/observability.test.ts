import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ADMIN_EMAIL, ADMIN_PASSWORD, type SignedIn, signInAsAdmin } from '../setup/clients.js'
import { captureLog } from './server-helpers.js'

let server: TestServer
let admin: SignedIn
const capture = captureLog('debug')

beforeAll(async () => {
  server = await startTestServer({}, { log: capture.log })
  admin = await signInAsAdmin(server)
})
// The database may have been taken down below: closing it twice is not this file's concern.
afterAll(() => server?.close().catch(() => {}))

const requestLines = () => capture.lines.filter((line) => line.msg === 'request')

describe('request log', () => {
  it('writes one line per request with method, path, status, duration, operation and principal, and echoes the request id', async () => {
    const response = await server.graphql('query CountJobs { jobs(first: 1) { totalCount } }', { headers: admin.headers })
    expect(response.status).toBe(200)
    const requestId = response.headers.get('x-request-id')
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
    const lines = requestLines().filter((line) => line.requestId === requestId)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({
      level: 30,
      method: 'POST',
      path: '/graphql',
      status: 200,
      operationName: 'CountJobs',
      principal: { id: admin.userId, kind: 'USER', credential: 'session' },
      clientAddress: '127.0.0.1',
    })
    expect(lines[0]!.durationMs).toBeGreaterThan(0)
  })

  it('names the operation of a refused document too', async () => {
    const response = await server.graphql('query Broken { jobs(first: 1) { nope } }', { headers: admin.headers })
    expect(response.status).toBe(400)
    const line = requestLines().find((l) => l.requestId === response.headers.get('x-request-id'))
    expect(line).toMatchObject({ status: 400, operationName: 'Broken' })
  })

  it('cuts an operation name the caller chose to 100 characters, whatever its size', async () => {
    const huge = 'A'.repeat(200_000)
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...admin.headers },
      body: JSON.stringify({ query: '{ __typename }', operationName: huge }),
    })
    expect(response.status).toBe(400)
    const line = requestLines().find((l) => l.requestId === response.headers.get('x-request-id'))
    expect(line?.operationName).toBe(`${'A'.repeat(100)}…`)
  })

  it('keeps a sane incoming x-request-id and replaces one that is not', async () => {
    const kept = await server.graphql('{ __typename }', { headers: { 'x-request-id': 'lb-7f3a.91_x' } })
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.91_x')
    expect(requestLines().some((line) => line.requestId === 'lb-7f3a.91_x')).toBe(true)
    const replaced = await server.graphql('{ __typename }', { headers: { 'x-request-id': 'has spaces & <html>' } })
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('never logs a password, a token, headers or variables', async () => {
    const before = capture.text().length
    const signIn = await server.graphql('mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }', {
      variables: { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } },
    })
    const token = signIn.body.data.signIn.token as string
    await server.graphql('{ jobs(first: 1) { totalCount } }', { headers: { authorization: `Bearer ${token}` } })
    await server.graphql('{ jobs(first: 1) { totalCount } }', { headers: { authorization: 'Bearer gs_wrong-token' } })
    const written = capture.text().slice(before)
    expect(written).toContain('"operationName":"SignIn"')
    for (const secret of [ADMIN_PASSWORD, token, 'gs_wrong-token', 'authorization', ADMIN_EMAIL]) {
      expect(written).not.toContain(secret)
    }
  })

  it('logs health probes at debug level, other requests at info', async () => {
    const response = await fetch(`${server.url}/health`)
    const line = requestLines().find((l) => l.requestId === response.headers.get('x-request-id'))
    expect(line).toMatchObject({ level: 20, path: '/health', status: 200 })
  })
})

describe('health and readiness', () => {
  it('answers /health and /ready with 200 while the database answers', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
    expect((await fetch(`${server.url}/ready`)).status).toBe(200)
  })

  it('answers /ready 503 while the database does not, masks the failure it causes, and logs it with the request id', async () => {
    const database = server.app.services.database as typeof server.app.services.database & { url?: string }
    const serverUrl = process.env.DATABASE_URL
    // PGlite: close the handle for good. PostgreSQL: refuse new connections and end the open ones.
    const admin = serverUrl ? new pg.Client({ connectionString: serverUrl }) : undefined
    const name = database.url ? new URL(database.url).pathname.slice(1) : undefined
    if (admin && name) {
      await admin.connect()
      await admin.query(`alter database ${name} allow_connections false`)
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name])
    } else {
      await database.close()
    }
    try {
      expect((await fetch(`${server.url}/health`)).status).toBe(200)
      expect((await fetch(`${server.url}/ready`)).status).toBe(503)

      // Signing in needs the database: the error is masked, with no stack, and logged with its request id.
      const { body, headers } = await server.graphql(
        'mutation { signIn(input: { email: "someone@test.local", password: "whatever it is" }) { token } }',
      )
      expect(body.data?.signIn ?? null).toBeNull()
      expect(body.errors).toHaveLength(1)
      expect(body.errors![0]!.message).toBe('Unexpected error.')
      expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts|pglite|postgres|connection/i)
      const requestId = headers.get('x-request-id')
      const logged = capture.lines.find((line) => line.msg === 'unexpected error' && line.requestId === requestId)
      expect(logged?.err?.message).toEqual(expect.any(String))
      expect(logged?.level).toBe(50)

      if (admin && name) {
        // PostgreSQL comes back: so does readiness, with no restart.
        await admin.query(`alter database ${name} allow_connections true`)
        expect((await fetch(`${server.url}/ready`)).status).toBe(200)
      }
    } finally {
      if (admin && name) {
        await admin.query(`alter database ${name} allow_connections true`)
        await admin.end()
      }
    }
  })
})
