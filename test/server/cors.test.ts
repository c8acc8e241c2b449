import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { type TestServer, startTestServer } from '../setup/app.js'

/**
 * CORS is closed unless origins are configured: a page on another site must not be able to read
 * answers with a visitor's credentials. Same-origin pages (GraphiQL, the console) need no CORS.
 */

const servers: TestServer[] = []
afterAll(() => Promise.all(servers.map((server) => server.close())))

async function preflight(server: TestServer, origin: string) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  })
  return response.headers.get('access-control-allow-origin')
}

describe('CORS', () => {
  it('answers no cross-origin page by default, whatever the Origin', async () => {
    const server = await startTestServer()
    servers.push(server)
    expect(await preflight(server, 'https://evil.example')).toBeNull()
    const answer = await server.graphql('{ __typename }', { headers: { origin: 'https://evil.example' } })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('allows exactly the configured origins, without credentials', async () => {
    const server = await startTestServer({ GATEHOUSE_CORS_ORIGINS: 'https://app.example.com, https://ops.example.com:8443' })
    servers.push(server)
    expect(await preflight(server, 'https://app.example.com')).toBe('https://app.example.com')
    expect(await preflight(server, 'https://ops.example.com:8443')).toBe('https://ops.example.com:8443')
    expect(await preflight(server, 'https://evil.example')).not.toBe('https://evil.example')
    const answer = await server.graphql('{ __typename }', { headers: { origin: 'https://app.example.com' } })
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    expect(answer.headers.get('access-control-allow-credentials')).not.toBe('true')
  })

  it('refuses a wildcard or a malformed origin at start', () => {
    for (const value of ['*', 'https://*.example.com', 'app.example.com', 'https://app.example.com/path']) {
      expect(() => loadConfig({ GATEHOUSE_CORS_ORIGINS: value }), value).toThrow()
    }
  })
})
