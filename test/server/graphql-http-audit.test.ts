import { serverAudits } from 'graphql-http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestServer, startTestServer } from '../setup/app.js'
import { createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'

/**
 * The GraphQL-over-HTTP spec's own server audit (graphql-http), run over real HTTP with a
 * partner's key on every request: every MUST, SHOULD and MAY it checks passes, warnings included.
 */

let server: TestServer
let key: string

beforeAll(async () => {
  server = await startTestServer()
  const admin = await signInAsAdmin(server)
  key = (await createMemberWithKeys(server, admin)).primary.key
})
afterAll(() => server?.close())

describe('GraphQL over HTTP', () => {
  it('passes every graphql-http server audit with a credential, warnings included', async () => {
    const audits = serverAudits({
      url: `${server.url}/graphql`,
      fetchFn: (input: RequestInfo | URL, init?: RequestInit) => {
        const headers = new Headers(init?.headers)
        headers.set('x-api-key', key)
        return fetch(input, { ...init, headers })
      },
    })
    const results = await Promise.all(audits.map(async (audit) => ({ ...(await audit.fn()), name: audit.name })))
    const failing = results.filter((result) => result.status !== 'ok').map((result) => `${result.status}: ${result.name} — ${'reason' in result ? result.reason : ''}`)
    expect(results.length).toBeGreaterThan(30)
    expect(failing).toEqual([])
  })
})
