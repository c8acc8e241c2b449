import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { type AddressInfo, connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../setup/database.js'
import { startServerProcess } from '../setup/server-process.js'
const EMAIL = 'admin@shutdown.test'
const PASSWORD = 'a password for the shutdown test'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Opens a POST whose body arrives in two parts: the request is in flight until `finish()`. */
function slowRequest(url: URL, body: string, headers: Record<string, string>) {
  const half = Math.floor(body.length / 2)
  let resolveResponse: (value: { status: number; body: string }) => void
  const response = new Promise<{ status: number; body: string }>((resolve) => (resolveResponse = resolve))
  const req = request(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
  }, (res) => {
    let text = ''
    res.setEncoding('utf8')
    res.on('data', (chunk) => (text += chunk))
    res.on('end', () => resolveResponse({ status: res.statusCode!, body: text }))
  })
  req.on('error', (error) => resolveResponse({ status: -1, body: String(error) }))
  req.write(body.slice(0, half))
  return { response, finish: () => req.end(body.slice(half)) }
}

/** Resolves with the connection error code, or 'connected' if the port still accepts. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.on('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
  })
}

describe('SIGTERM', () => {
  it('finishes the in-flight request, refuses new connections, closes the database and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-shutdown-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const env: Record<string, string> = {
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_DEMO_DATA: '0',
      BOOTSTRAP_ADMIN_EMAIL: EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
    }
    if (process.env.DATABASE_URL) {
      // On a PostgreSQL run the child uses a fresh database of its own.
      const database = await createTestDatabase()
      cleanups.push(() => database.close())
      env.DATABASE_URL = database.url!
    }
    const server = await startServerProcess(env, cleanups)
    const graphqlUrl = new URL('/graphql', server.url)

    const signIn = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { signIn(input: { email: "${EMAIL}", password: "${PASSWORD}" }) { token } }` }),
    })
    const token = ((await signIn.json()) as any).data.signIn.token as string

    // A slow client: the server has the request's headers and half its body when SIGTERM comes.
    const inFlight = slowRequest(graphqlUrl, JSON.stringify({ query: 'query InFlight { jobs(first: 5) { totalCount } }' }), {
      authorization: `Bearer ${token}`,
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const signalledAt = Date.now()
    server.child.kill('SIGTERM')
    await server.waitFor('shutting down: draining in-flight requests', 10_000)

    // The listener is closed before that line is logged; allow the kernel a moment under load.
    let connect = await tryConnect(Number(server.url.port))
    for (let attempt = 0; connect === 'connected' && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      connect = await tryConnect(Number(server.url.port))
    }
    expect(connect).toBe('ECONNREFUSED')
    expect(server.child.exitCode).toBeNull()

    inFlight.finish()
    const answer = await inFlight.response
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toMatchObject({ data: { jobs: { totalCount: 0 } }, extensions: { cost: { requestedQueryCost: 3 } } })

    expect(await server.exited).toBe(0)
    // Drained and closed, not cut off by the grace timer.
    expect(Date.now() - signalledAt).toBeLessThan(8_000)
    expect(server.lines.some((line) => line.msg === 'stopped')).toBe(true)
    expect(server.lines.some((line) => line.msg === 'request' && line.operationName === 'InFlight' && line.status === 200)).toBe(true)
    if (!process.env.DATABASE_URL) expect(existsSync(join(dataDir, 'gatehouse.lock'))).toBe(false)
  }, 180_000)
})

// HTTP behaviour, whatever the database: run once, in the embedded run.
describe.skipIf(Boolean(process.env.DATABASE_URL))('SIGTERM under keep-alive traffic', () => {
  it('requests already sent on open keep-alive connections are answered, none reset', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-keepalive-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const server = await startServerProcess(
      { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_DEMO_DATA: '0', BOOTSTRAP_ADMIN_EMAIL: EMAIL, BOOTSTRAP_ADMIN_PASSWORD: PASSWORD, GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: '0', GATEHOUSE_COST_LIMIT: '0' },
      cleanups,
    )
    const agent = new Agent({ keepAlive: true, maxSockets: 10 })
    cleanups.push(() => agent.destroy())
    const outcomes = new Map<string, number>()
    const note = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
    let signalled = false
    const post = () =>
      new Promise<string>((resolve) => {
        const req = request(new URL('/graphql', server.url), { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume()
          res.on('end', () => resolve(String(res.statusCode)))
        })
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
        req.end('{"query":"{ __typename }"}')
      })
    // Ten callers back to back on ten kept-alive sockets until the server stops taking connections.
    const callers = Array.from({ length: 10 }, async () => {
      for (let i = 0; i < 5_000; i++) {
        const outcome = await post()
        note(outcome)
        if (signalled && outcome === 'ECONNREFUSED') return
      }
    })
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    signalled = true
    server.child.kill('SIGTERM')
    await Promise.all(callers)
    expect(await server.exited).toBe(0)
    const answered = outcomes.get('200') ?? 0
    outcomes.delete('200')
    outcomes.delete('ECONNREFUSED')
    expect(answered).toBeGreaterThan(50)
    // No ECONNRESET, no "socket hang up": every request that reached the server was answered.
    expect(Object.fromEntries(outcomes)).toEqual({})
  }, 120_000)
})

describe('start-up', () => {
  it('a busy port is one line on stderr and exit 1, before the database is opened or migrated', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-port-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => taken.close(() => resolve())))
    const port = (taken.address() as AddressInfo).port
    const server = await startServerProcess({ PORT: String(port), GATEHOUSE_DATA_DIR: join(dataDir, 'db') }, cleanups, {
      waitForListening: false,
    })
    expect(await server.exited).toBe(1)
    expect(server.stderr().trim()).toBe(`Port ${port} on 127.0.0.1 is already in use; set PORT to a free one.`)
    expect(server.lines.some((line) => line.msg === 'migrations applied')).toBe(false)
    expect(existsSync(join(dataDir, 'db'))).toBe(false)
  }, 60_000)
})
