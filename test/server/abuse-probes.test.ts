import { getIntrospectionQuery } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CSRF_HEADER } from '../../src/server/document-errors.js'
import { QUERY_LIMITS } from '../../src/server/query-limits.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { type MemberWithKeys, type SignedIn, bearer, createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'

/**
 * graphql-cop's checks and the abuse probes it lacks, sent as their payloads over HTTP, in
 * development and in production: each is refused before it runs with a contract code and a
 * message naming the limit. With a key, the contract's deliberate openings (introspection for
 * authenticated callers, GET with a credential header) still work, and are named below.
 */

interface Probe {
  name: string
  send: (server: TestServer, headers: Record<string, string>) => Promise<Response>
  /** Status and code of the refusal. */
  refused: [number | number[], string]
}

const post = (server: TestServer, headers: Record<string, string>, body: string, contentType = 'application/json') =>
  fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': contentType, accept: 'application/graphql-response+json', ...headers }, body })
const query = (server: TestServer, headers: Record<string, string>, text: string) => post(server, headers, JSON.stringify({ query: text }))
const repeat = (count: number, make: (index: number) => string) => Array.from({ length: count }, (_, index) => make(index)).join(' ')

const circularIntrospection = `{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`

const PROBES: Probe[] = [
  { name: 'alias overloading: 101 aliases of __typename', refused: [400, 'QUERY_TOO_COMPLEX'], send: (s, h) => query(s, h, `{ ${repeat(101, (i) => `a${i}: __typename`)} }`) },
  { name: '1,000 aliases of a real field', refused: [400, 'QUERY_TOO_COMPLEX'], send: (s, h) => query(s, h, `{ ${repeat(1000, (i) => `j${i}: jobs(first: 1) { totalCount }`)} }`) },
  { name: 'directive overloading: 10 directives on one field', refused: [400, 'QUERY_TOO_COMPLEX'], send: (s, h) => query(s, h, `{ __typename ${repeat(10, () => '@aa')} }`) },
  { name: 'field duplication: 500 copies of __typename', refused: [400, 'QUERY_TOO_COMPLEX'], send: (s, h) => query(s, h, `{ ${repeat(500, () => '__typename')} }`) },
  { name: 'field duplication of a real field', refused: [400, 'QUERY_TOO_COMPLEX'], send: (s, h) => query(s, h, `{ jobs(first: 1) { nodes { ${repeat(500, () => 'id')} } } }`) },
  { name: 'circular introspection', refused: [400, 'QUERY_TOO_COMPLEX'], send: (s, h) => query(s, h, circularIntrospection) },
  { name: 'a 400 KB query of comments and whitespace', refused: [400, 'QUERY_TOO_COMPLEX'], send: (s, h) => query(s, h, `{ __typename ${'# padding\n'.repeat(40_000)} }`) },
  { name: 'a 10 MiB JSON body', refused: [413, 'BAD_REQUEST'], send: (s, h) => post(s, h, JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(10 * 1024 * 1024) } })) },
  { name: 'a 20 MiB JSON body', refused: [413, 'BAD_REQUEST'], send: (s, h) => post(s, h, JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(20 * 1024 * 1024) } })) },
  { name: 'batched queries', refused: [400, 'BAD_REQUEST'], send: (s, h) => post(s, h, JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }])) },
  { name: 'a form POST (CSRF)', refused: [415, 'BAD_REQUEST'], send: (s, h) => post(s, h, 'query=%7B__typename%7D', 'application/x-www-form-urlencoded') },
  { name: 'a multipart POST', refused: [415, 'BAD_REQUEST'], send: (s, h) => post(s, h, '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{__typename}"}\r\n--x--', 'multipart/form-data; boundary=x') },
  { name: 'a text/plain POST (CSRF)', refused: [415, 'BAD_REQUEST'], send: (s, h) => post(s, h, '{"query":"{ __typename }"}', 'text/plain') },
  // Anonymous it meets the GET rule first (403); with a key, GET never carries a mutation (405).
  { name: 'a mutation over GET', refused: [[403, 405], 'BAD_REQUEST'], send: (s, h) => fetch(`${s.url}/graphql?query=${encodeURIComponent('mutation { signOut }')}`, { headers: { accept: 'application/json', ...h } }) },
]

/** Refused only without a credential header: with one, these are the contract's deliberate openings. */
const OPENINGS: Probe[] = [
  { name: 'a GET query', refused: [403, 'BAD_REQUEST'], send: (s, h) => fetch(`${s.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json', ...h } }) },
  { name: 'introspection', refused: [401, 'UNAUTHENTICATED'], send: (s, h) => query(s, h, getIntrospectionQuery()) },
]

async function expectRefused(probe: Probe, response: Response) {
  const text = await response.text()
  expect([probe.refused[0]].flat(), `${probe.name}: ${response.status} ${text.slice(0, 300)}`).toContain(response.status)
  const body = JSON.parse(text) as { data?: unknown; errors: Array<{ message: string; extensions: { code: string } }> }
  expect(body.data ?? undefined, probe.name).toBeUndefined()
  expect(body.errors.map((error) => error.extensions.code), probe.name).toContain(probe.refused[1])
  for (const error of body.errors) expect(error.message.length, probe.name).toBeLessThan(300)
}

describe.each(['development', 'production'])('abuse probes (%s)', (mode) => {
  let server: TestServer
  let admin: SignedIn
  let partner: MemberWithKeys

  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: mode === 'production' ? 'production' : 'test', GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: '0', GATEHOUSE_COST_LIMIT: '0' })
    admin = await signInAsAdmin(server)
    partner = await createMemberWithKeys(server, admin)
  }, 60_000)
  afterAll(() => server?.close())

  it.each(PROBES.map((probe) => [probe.name, probe] as const))('refuses %s, anonymous and with a key', async (_name, probe) => {
    await expectRefused(probe, await probe.send(server, {}))
    await expectRefused(probe, await probe.send(server, bearer(partner.primary.key)))
  }, 60_000)

  it.each(OPENINGS.map((probe) => [probe.name, probe] as const))('refuses %s anonymous in production, and runs it with a key', async (_name, probe) => {
    // Introspection is open to anonymous callers outside production (the contract's choice for local work).
    if (probe.name !== 'introspection' || mode === 'production') await expectRefused(probe, await probe.send(server, {}))
    const withKey = await probe.send(server, bearer(partner.primary.key))
    expect(withKey.status, probe.name).toBe(200)
    expect(((await withKey.json()) as { errors?: unknown }).errors, probe.name).toBeUndefined()
  })

  it('runs an anonymous GET of `__typename` that carries the CSRF header', async () => {
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json', [CSRF_HEADER]: '1' } })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } })
  })

  it('answers a fragment fan-out (8 spreads a level, 10 levels: 8^10 paths) at once, whatever it answers', async () => {
    const levels = 10
    const fragments = Array.from({ length: levels }, (_, level) =>
      level === levels - 1 ? `fragment F${level} on Query { __typename }` : `fragment F${level} on Query { ${Array(8).fill(`...F${level + 1}`).join(' ')} }`)
    for (const headers of [{}, bearer(partner.primary.key)]) {
      const started = performance.now()
      const response = await query(server, headers, `query { ...F0 } ${fragments.join(' ')}`)
      expect(response.status).toBeLessThan(500)
      await response.text()
      expect(performance.now() - started).toBeLessThan(3_000)
    }
  })

  it('still runs GraphiQL’s page and its introspection, and the largest real documents', async () => {
    const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } })
    expect(page.status).toBe(200)
    const introspection = await query(server, admin.headers, getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true }))
    expect(introspection.status).toBe(200)
    expect(QUERY_LIMITS.maxCharacters).toBeGreaterThan(getIntrospectionQuery().length * 5)
  })
})
