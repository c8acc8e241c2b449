import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestServer, startTestServer } from '../setup/app.js'
import { signInAsAdmin } from '../setup/clients.js'

/** /metrics over real HTTP: Prometheus text with what happened, and only for whom it is meant. */

let server: TestServer
beforeAll(async () => {
  server = await startTestServer({ GATEHOUSE_COST_LIMIT: '10', GATEHOUSE_COST_RESTORE_RATE: '1' })
})
afterAll(() => server?.close())

const scrape = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${url}/metrics`, { headers })
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() }
}

/** The value of one sample line, e.g. `gatehouse_x{a="b"} 3`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`)
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`) && wanted.every((label) => candidate.includes(label)))
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

describe('/metrics', () => {
  it('counts requests by operation, code and status, with their latency; the credential cache; rate-limit refusals', async () => {
    const admin = await signInAsAdmin(server)
    for (let i = 0; i < 2; i++) {
      expect((await server.graphql('query MetricsJobs { jobs(first: 1) { totalCount } }', { headers: admin.headers })).status).toBe(200)
    }
    expect((await server.graphql('query MetricsDenied { jobs(first: 1) { totalCount } }', { headers: { authorization: 'Bearer nonsense' } })).status).toBe(401)
    // The session's bucket holds ten points (each of those cost 3, each of these 1): soon refused.
    let refusedStatus = 0
    for (let i = 0; i < 12 && refusedStatus !== 429; i++) refusedStatus = (await server.graphql('{ __typename }', { headers: admin.headers })).status
    expect(refusedStatus).toBe(429)

    const { status, type, text } = await scrape(server.url)
    expect(status).toBe(200)
    expect(type).toContain('text/plain')
    const count = 'gatehouse_graphql_request_duration_seconds_count'
    expect(sample(text, count, { operation: 'MetricsJobs', code: 'OK', status: '200' })).toBe(2)
    expect(sample(text, count, { operation: 'MetricsDenied', code: 'UNAUTHENTICATED', status: '401' })).toBe(1)
    expect(sample(text, 'gatehouse_graphql_request_duration_seconds_bucket', { operation: 'MetricsJobs', le: '+Inf' })).toBe(2)
    expect(text).toMatch(/^gatehouse_rate_limited_total [1-9]/m)
    expect(sample(text, 'gatehouse_credential_cache_lookups', { result: 'hit' })).toBeGreaterThan(0)
    expect(text).toContain('gatehouse_process_resident_memory_bytes')
    if (server.app.services.database.kind === 'postgres') {
      expect(sample(text, 'gatehouse_db_pool_connections', { state: 'total' })).toBeGreaterThan(0)
    }
    // Unnamed operations (the sign-in above) are counted under "anonymous".
    expect(sample(text, count, { operation: 'anonymous', code: 'OK', status: '200' })).toBeGreaterThanOrEqual(1)
  })

  it('with GATEHOUSE_METRICS_TOKEN, answers only with that bearer token (404 otherwise, even on loopback)', async () => {
    const guarded = await startTestServer({ GATEHOUSE_METRICS_TOKEN: 'a-metrics-token-0123456789' })
    try {
      expect((await scrape(guarded.url)).status).toBe(404)
      expect((await scrape(guarded.url, { authorization: 'Bearer a-metrics-token-wrong-value' })).status).toBe(404)
      const allowed = await scrape(guarded.url, { authorization: 'Bearer a-metrics-token-0123456789' })
      expect(allowed.status).toBe(200)
      expect(allowed.text).toContain('gatehouse_graphql_request_duration_seconds')
    } finally {
      await guarded.close()
    }
  })
})
