import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../setup/database.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const EMAIL = 'admin@shutdown.test'
const PASSWORD = 'a password for the shutdown test'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Starts `node --import tsx src/main.ts` as npm start does, and waits for its "listening" line. */
async function startServerProcess(env: Record<string, string>) {
  const inherited = { ...process.env }
  delete inherited.DATABASE_URL
  delete inherited.REDIS_URL
  // Spawned directly (not through npm or npx): child.pid is the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', GATEHOUSE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const lines: Array<Record<string, any>> = []
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const waiters: Array<() => void> = []
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line))
    } catch {
      lines.push({ msg: line })
    }
    for (const wake of waiters.splice(0)) wake()
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  /** Resolves with the first log line that matches; fails if the process exits first. */
  const waitFor = async (msg: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = lines.find((line) => line.msg === msg)
      if (found) return found
      if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before "${msg}": ${stderr}`)
      if (Date.now() > deadline) throw new Error(`no "${msg}" within ${timeoutMs} ms: ${stderr}`)
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
  }
  const listening = await waitFor('Gatehouse is listening', 120_000)
  return { child, url: new URL(listening.url as string), waitFor, exited, lines }
}

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
    const server = await startServerProcess(env)
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
    expect(JSON.parse(answer.body)).toEqual({ data: { jobs: { totalCount: 0 } } })

    expect(await server.exited).toBe(0)
    // Drained and closed, not cut off by the grace timer.
    expect(Date.now() - signalledAt).toBeLessThan(8_000)
    expect(server.lines.some((line) => line.msg === 'stopped')).toBe(true)
    expect(server.lines.some((line) => line.msg === 'request' && line.operationName === 'InFlight' && line.status === 200)).toBe(true)
    if (!process.env.DATABASE_URL) expect(existsSync(join(dataDir, 'gatehouse.lock'))).toBe(false)
  }, 180_000)
})

