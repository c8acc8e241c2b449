import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestServer, startTestServer } from '../setup/app.js'
import { bearer, createMemberWithKeys, signInAsAdmin, xApiKey } from '../setup/clients.js'
import { captureLog, postFrom, randomLoopbackAddress, startInstance } from './server-helpers.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const LIMIT = 3

let server: TestServer
let redis: Redis

beforeAll(async () => {
  server = await startTestServer({ GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: String(LIMIT) })
  redis = new Redis(REDIS_URL)
})
afterAll(() => redis?.quit())
afterAll(() => server?.close())

const TYPENAME = '{ __typename }'

describe('requests without a credential, per address, in process', () => {
  it('answers RATE_LIMITED with HTTP 429 and Retry-After once a client address has spent its minute', async () => {
    const address = randomLoopbackAddress()
    for (let i = 0; i < LIMIT; i++) expect((await postFrom(server.url, address, TYPENAME)).status).toBe(200)
    const refused = await postFrom(server.url, address, TYPENAME)
    expect(refused.status).toBe(429)
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' })
    const retryAfter = Number(refused.headers['retry-after'])
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(refused.body.errors[0].extensions.retryAfter).toBe(retryAfter)
    // Another address has its own counter.
    expect((await postFrom(server.url, randomLoopbackAddress(), TYPENAME)).status).toBe(200)
  })

  it('leaves requests with a valid credential to cost metering: an address shared by many keys is not throttled by count', async () => {
    const admin = await signInAsAdmin(server)
    const member = await createMemberWithKeys(server, admin)
    const address = randomLoopbackAddress()
    for (let i = 0; i < LIMIT + 2; i++) {
      const answer = await postFrom(server.url, address, TYPENAME, i % 2 ? xApiKey(member.primary.key) : bearer(member.secondary.key))
      expect(answer.status).toBe(200)
      expect(answer.headers['x-ratelimit-limit']).toBe('50000')
    }
    // The address itself, without a credential, still has its own minute.
    expect((await postFrom(server.url, address, TYPENAME)).status).toBe(200)
  })

  it('counts bad credentials against the client address, so guessing keys is limited too', async () => {
    const address = randomLoopbackAddress()
    const wrong = { authorization: 'Bearer gs_not-a-real-session-token' }
    for (let i = 0; i < LIMIT; i++) expect((await postFrom(server.url, address, TYPENAME, wrong)).status).toBe(401)
    const refused = await postFrom(server.url, address, TYPENAME, wrong)
    expect(refused.status).toBe(429)
    expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED')
  })
})

describe('requests without a credential, through Redis', () => {
  it('shares one counter between instances', async () => {
    const [a, b] = await Promise.all([
      startInstance(server, { REDIS_URL, GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: LIMIT }),
      startInstance(server, { REDIS_URL, GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: LIMIT }),
    ])
    try {
      // Counting starts once an instance has connected (before that, requests pass uncounted).
      await Promise.all([waitForRedisCounting(a.url), waitForRedisCounting(b.url)])
      const address = randomLoopbackAddress()
      expect((await postFrom(a.url, address, TYPENAME)).status).toBe(200)
      expect((await postFrom(b.url, address, TYPENAME)).status).toBe(200)
      expect((await postFrom(a.url, address, TYPENAME)).status).toBe(200)
      const refused = await postFrom(b.url, address, TYPENAME)
      expect(refused.status).toBe(429)
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  it('counts in process, with a warning in the log, while Redis does not answer: the limit still holds', async () => {
    // Nothing listens on port 1: every Redis command fails at once.
    const downLog = captureLog('warn')
    const down = await startInstance(
      server,
      { REDIS_URL: 'redis://127.0.0.1:1', GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: 1 },
      { log: downLog.log },
    )
    try {
      const address = randomLoopbackAddress()
      expect((await postFrom(down.url, address, TYPENAME)).status).toBe(200)
      for (let i = 0; i < 2; i++) {
        const refused = await postFrom(down.url, address, TYPENAME)
        expect(refused.status).toBe(429)
        expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED')
      }
      const warnings = downLog.lines.filter((line) => line.msg?.includes('Redis is not answering'))
      expect(warnings.length).toBeGreaterThanOrEqual(1)
      // Said once while it lasts, not once per request.
      expect(warnings.length).toBeLessThan(3)
    } finally {
      await down.close()
    }
  })
})

/** Sends requests from throwaway addresses until one is counted in Redis. */
async function waitForRedisCounting(url: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const address = randomLoopbackAddress()
    await postFrom(url, address, TYPENAME)
    if (await redis.exists(`gatehouse:anonymous:addr:${address}`)) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${url} never counted a request in Redis`)
}
