import { type ChildProcess, spawn } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { startTestServer } from '../setup/app.js'
import { signInAsAdmin } from '../setup/clients.js'
import { freePort } from '../setup/private-postgres.js'
import { postFrom, randomLoopbackAddress } from '../server/server-helpers.js'

/**
 * Redis is optional infrastructure: an instance starts while it is down, keeps limiting in process,
 * and picks it up when it comes (and again after it goes). A Redis server of the test's own, on a
 * free loopback port, started and stopped here.
 */

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function startRedis(port: number): ChildProcess {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  return child
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) {
  const startedAt = Date.now()
  while (!(await check())) {
    if (Date.now() - startedAt > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await sleep(50)
  }
}

describe('Redis down', () => {
  it('at start: the instance starts, limits in process, and uses Redis once it is up; a later outage changes nothing for callers', async () => {
    const port = await freePort()
    const server = await startTestServer({ REDIS_URL: `redis://127.0.0.1:${port}`, GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: '3' })
    cleanups.push(() => server.close())
    const credentials = server.app.services.credentials!
    expect(credentials.stats()).toMatchObject({ bus: 'redis', busHealthy: false })

    // Limits hold without Redis: counted in process.
    const address = randomLoopbackAddress()
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await postFrom(server.url, address, '{ __typename }')).status)
    expect(statuses).toEqual([200, 200, 200, 429])

    const redis = startRedis(port)
    await until('the invalidation bus connects', () => credentials.stats().busHealthy, 10_000)
    const admin = await signInAsAdmin(server)
    expect((await server.graphql('{ jobs(first: 1) { totalCount } }', { headers: admin.headers })).status).toBe(200)

    // Redis goes away under traffic: callers keep getting answers.
    redis.kill('SIGKILL')
    await until('the bus notices', () => !credentials.stats().busHealthy, 10_000)
    // The session's cost bucket meters in process meanwhile.
    for (let i = 0; i < 2; i++) {
      const answer = await server.graphql('{ jobs(first: 1) { totalCount } }', { headers: admin.headers })
      expect(answer.status).toBe(200)
    }
  }, 60_000)
})
