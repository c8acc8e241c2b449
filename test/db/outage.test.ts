import { Agent, request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { type PrivatePostgres, freePort, startPrivatePostgres } from '../setup/private-postgres.js'
import { type ServerProcess, startServerProcess } from '../setup/server-process.js'

/**
 * The database going away under a running server: the process stays up, callers get a retryable
 * 503, /ready says so, and service comes back by itself. Real processes, a PostgreSQL of the test's
 * own (stopped and started here), real HTTP. Runs once, in the PostgreSQL run of the suite.
 */

const EMAIL = 'admin@outage.test'
const PASSWORD = 'a password for the outage test'
const QUERY = 'query Outage { jobs(first: 5) { totalCount nodes { id } } contacts(first: 5) { totalCount } }'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function privatePostgres(): Promise<PrivatePostgres> {
  const server = await startPrivatePostgres()
  cleanups.push(() => server.destroy())
  return server
}

async function startGatehouse(database: PrivatePostgres, env: Record<string, string> = {}, waitForListening = true) {
  const port = await freePort()
  const server = await startServerProcess(
    {
      PORT: String(port),
      DATABASE_URL: database.url,
      BOOTSTRAP_ADMIN_EMAIL: EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      GATEHOUSE_DEMO_DATA: '0',
      GATEHOUSE_KEY_PEPPER: 'outage-test-pepper-0123456789',
      GATEHOUSE_DB_POOL_SIZE: '5',
      GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: '0', GATEHOUSE_COST_LIMIT: '0',
      ...env,
    },
    cleanups,
    { waitForListening },
  )
  return { server, base: `http://127.0.0.1:${port}` }
}

interface Answer {
  status: number
  retryAfter: string | null
  codes: string[]
}

async function post(base: string, query: string, headers: Record<string, string> = {}): Promise<Answer & { body: any }> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(15_000),
  })
  const body = (await response.json()) as any
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    codes: (body.errors ?? []).map((error: any) => error.extensions?.code),
    body,
  }
}

async function signIn(base: string): Promise<Record<string, string>> {
  const answer = await post(base, `mutation { signIn(input: { email: "${EMAIL}", password: "${PASSWORD}" }) { token } }`)
  const token = answer.body.data?.signIn?.token
  if (!token) throw new Error(`sign-in failed: ${JSON.stringify(answer.body)}`)
  return { authorization: `Bearer ${token}` }
}

const readyStatus = (base: string) =>
  fetch(`${base}/ready`, { signal: AbortSignal.timeout(5_000) }).then((response) => response.status, () => -1)

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const startedAt = Date.now()
  while (!(await check())) {
    if (Date.now() - startedAt > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await sleep(50)
  }
  return Date.now() - startedAt
}

/** `workers` callers sending QUERY back to back until stopped; every answer (or transport error) is kept. */
function load(base: string, headers: Record<string, string>, workers: number) {
  const answers: Array<Answer | { status: -1; error: string }> = []
  let running = true
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      try {
        const { body: _body, ...answer } = await post(base, QUERY, headers)
        answers.push(answer)
      } catch (error) {
        answers.push({ status: -1, error: String((error as Error).cause ?? error) })
      }
      await sleep(10)
    }
  })
  return {
    answers,
    async stop() {
      running = false
      await Promise.all(loops)
      return answers
    },
  }
}

/** Every answer is a success or the contract's retryable 503: never a transport error, a 500 or a masked error. */
function expectOnlySuccessOrUnavailable(answers: Array<Answer | { status: -1; error: string }>) {
  const unexpected = answers.filter(
    (answer) =>
      !(
        (answer.status === 200 && 'codes' in answer && answer.codes.length === 0) ||
        (answer.status === 503 && 'codes' in answer && answer.retryAfter !== null &&
          answer.codes.length > 0 && answer.codes.every((code) => code === 'SERVICE_UNAVAILABLE'))
      ),
  )
  expect(unexpected.slice(0, 5)).toEqual([])
}

const alive = (server: ServerProcess) => server.child.exitCode === null && server.child.signalCode === null

describe.skipIf(!process.env.DATABASE_URL)('the database going away', () => {
  it('a start with the database down waits with a log line, answers 503 meanwhile, and serves once it is up', async () => {
    const database = await privatePostgres()
    database.stop()
    const { server, base } = await startGatehouse(database, { GATEHOUSE_DB_WAIT_SECONDS: '60' }, false)
    await server.waitFor('database unreachable; retrying', 30_000)
    expect((await fetch(`${base}/health`)).status).toBe(200)
    expect(await readyStatus(base)).toBe(503)
    const early = await post(base, '{ __typename }')
    expect(early).toMatchObject({ status: 503, codes: ['SERVICE_UNAVAILABLE'] })
    expect(early.retryAfter).not.toBeNull()

    database.start()
    await server.waitFor('Gatehouse is listening', 30_000)
    expect(await readyStatus(base)).toBe(200)
    expect((await post(base, QUERY, await signIn(base))).status).toBe(200)
    expect(server.stderr()).toBe('')
  }, 120_000)

  it('SIGTERM while a start waits for the database: requests meanwhile are answered, and the process exits 0 at once', async () => {
    const database = await privatePostgres()
    database.stop()
    const { server, base } = await startGatehouse(database, { GATEHOUSE_DB_WAIT_SECONDS: '60' }, false)
    await server.waitFor('database unreachable; retrying', 30_000)
    const agent = new Agent({ keepAlive: true })
    cleanups.push(() => agent.destroy())
    const health = () =>
      new Promise<number>((resolve) => {
        request(`${base}/health`, { agent }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode!))
        }).on('error', () => resolve(-1)).end()
      })
    expect(await health()).toBe(200)
    const signalledAt = Date.now()
    server.child.kill('SIGTERM')
    // A request on the kept-alive connection during the drain (the starting answer has sent its headers).
    await health()
    expect(await server.exited).toBe(0)
    expect(Date.now() - signalledAt).toBeLessThan(5_000)
    expect(server.stderr()).toBe('')
  }, 60_000)

  it('a start that gives up says so in one line and exits 1', async () => {
    const database = await privatePostgres()
    database.stop()
    const { server } = await startGatehouse(database, { GATEHOUSE_DB_WAIT_SECONDS: '0' }, false)
    expect(await server.exited).toBe(1)
    const stderr = server.stderr().trim()
    expect(stderr.split('\n')).toHaveLength(1)
    expect(stderr).toMatch(/database is unreachable/)
  }, 60_000)

  it('a restart under 20 concurrent callers: the process lives, callers get 503 with Retry-After, /ready 503 then 200, service back within 2 s', async () => {
    const database = await privatePostgres()
    const { server, base } = await startGatehouse(database)
    const headers = await signIn(base)
    for (const mode of ['fast', 'immediate'] as const) {
      const traffic = load(base, headers, 20)
      await sleep(1_000)
      database.stop(mode)
      await waitUntil('/ready turns 503', async () => (await readyStatus(base)) === 503, 5_000)
      await sleep(1_000)
      const during = traffic.answers.length
      database.start()
      const back = await waitUntil('a request succeeds again', async () => (await post(base, QUERY, headers)).status === 200, 10_000)
      expect(back).toBeLessThan(2_000)
      expect(await readyStatus(base)).toBe(200)
      await sleep(500)
      const answers = await traffic.stop()
      expect(alive(server)).toBe(true)
      expectOnlySuccessOrUnavailable(answers)
      // The outage was seen by the callers, and answered fast enough for them to keep asking.
      expect(answers.filter((answer) => answer.status === 503).length).toBeGreaterThan(20)
      expect(answers.slice(during).some((answer) => answer.status === 200)).toBe(true)
    }
  }, 180_000)

  it('pg_terminate_backend on every connection under load: the process lives and callers get 200 or 503', async () => {
    const database = await privatePostgres()
    const { server, base } = await startGatehouse(database)
    const headers = await signIn(base)
    const traffic = load(base, headers, 20)
    let terminated = 0
    for (let round = 0; round < 10; round++) {
      await sleep(300)
      const result = await database.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'gatehouse%' and pid <> pg_backend_pid()",
      )
      terminated += result.rowCount ?? 0
    }
    await sleep(1_000)
    const answers = await traffic.stop()
    expect(terminated).toBeGreaterThan(10)
    expect(alive(server)).toBe(true)
    expectOnlySuccessOrUnavailable(answers)
    expect((await post(base, QUERY, headers)).status).toBe(200)
  }, 120_000)
})
