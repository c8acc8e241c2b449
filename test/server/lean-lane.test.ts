import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniformMatrix } from '../../src/access/permissions.js'
import { generateApiKey } from '../../src/access/credentials/api-keys.js'
import type { TestServer } from '../setup/app.js'
import { type MemberWithKeys, type SignedIn, bearer, createMemberWithKeys, createRoleSql, xApiKey } from '../setup/clients.js'
import { type LaneTwins, startLaneTwins } from './lane-twins.js'

/**
 * The lean lane answers what yoga would, byte for byte: every request below goes to a server with
 * the lane and to one without (GATEHOUSE_LEAN_HTTP=0) over the same database, twice (the first time
 * teaches the lane the document), and the second answers must have the same status, headers and
 * body. Only what changes with the clock is set aside: the bucket's level (restored per millisecond)
 * and the Date header.
 */

let server: TestServer
let yogaOnly: LaneTwins['yogaOnly']
let admin: SignedIn
let reader: MemberWithKeys
let jobsOnly: MemberWithKeys
let fenced: MemberWithKeys
let jobId: string
let twins: LaneTwins

beforeAll(async () => {
  twins = await startLaneTwins()
  ;({ server, yogaOnly, admin, reader, jobId } = twins)
  const jobsMatrix = uniformMatrix('NONE')
  jobsMatrix.JOBS.INQUIRE = 'ALL'
  jobsOnly = await createMemberWithKeys(server, admin, { roleId: await createRoleSql(server, admin.businessId, jobsMatrix) })
  fenced = await createMemberWithKeys(server, admin)
  const { body } = await server.graphql(
    'mutation($input: UpdateApiKeysInput!) { updateApiKeys(input: $input) { publicKey } }',
    { headers: admin.headers, variables: { input: { memberId: fenced.globalId, allowedNetworks: ['192.0.2.0/24'] } } },
  )
  expect(body.errors).toBeUndefined()
})
afterAll(async () => {
  await twins?.close()
})

interface Probe {
  name: string
  body: unknown
  headers: Record<string, string>
  /** Whether the lane answers it (else it hands it to yoga, which must then answer as always). */
  lane: boolean
  /** Whether the pass-through read answers it (records/read/passthrough.ts); else it executes. */
  passThrough?: boolean
  /** Sent first instead of `body`, to teach the lane the document (default: `body` itself). */
  teach?: unknown
}

const JOB = 'query Job($id: ID!) { job(id: $id) { id number name status client { id name company } } }'
const PAGE = 'query Page($first: Int, $after: String) { jobs(first: $first, after: $after) { totalCount nodes { id number client { name } } pageInfo { hasNextPage endCursor } } }'

const MAYBE = 'query Maybe($s: Boolean = true) { jobs(first: 1) @include(if: $s) { totalCount } }'
const TWO = 'query Heavy { jobs(first: 5) { totalCount nodes { id number } } } query Cheap { viewer { business { slug } } }'

const probes = (): Probe[] => [
  { name: 'one operation of a document', body: { query: TWO, operationName: 'Heavy' }, headers: xApiKey(reader.primary.key), lane: true, passThrough: true },
  { name: 'a job with its client', body: { query: JOB, variables: { id: jobId } }, headers: xApiKey(reader.primary.key), lane: true, passThrough: true },
  { name: 'a session instead of a key', body: { query: JOB, variables: { id: jobId } }, headers: admin.headers, lane: true, passThrough: true },
  { name: 'a page with its total', body: { query: PAGE, variables: { first: 3 } }, headers: bearer(reader.primary.key), lane: true, passThrough: true },
  { name: 'FORBIDDEN nulls where the role stops', body: { query: JOB, variables: { id: jobId } }, headers: xApiKey(jobsOnly.primary.key), lane: true },
  { name: 'a job that is not there', body: { query: JOB, variables: { id: 'Sm9iOjk5OTk5OTk=' } }, headers: xApiKey(reader.primary.key), lane: true },
  { name: 'an unknown key', body: { query: JOB, variables: { id: jobId } }, headers: xApiKey(generateApiKey().key), lane: true },
  { name: 'a malformed key', body: { query: JOB, variables: { id: jobId } }, headers: xApiKey('gk_nonsense'), lane: true },
  { name: 'a key used outside its networks', body: { query: JOB, variables: { id: jobId } }, headers: xApiKey(fenced.primary.key), lane: true },
  { name: 'a bad cursor', body: { query: PAGE, variables: { first: 3, after: 'nope' } }, headers: xApiKey(reader.primary.key), lane: true },
  { name: 'a page over the cost ceiling', body: { query: `{ a: jobs(first: 100) { nodes { salesOrders(first: 100) { nodes { lines { sku } } } } } }` }, headers: xApiKey(reader.primary.key), lane: true, passThrough: true },
  { name: 'the new media type', body: { query: JOB, variables: { id: jobId } }, headers: { ...xApiKey(reader.primary.key), accept: 'application/graphql-response+json' }, lane: true, passThrough: true },
  { name: 'any media type', body: { query: JOB, variables: { id: jobId } }, headers: { ...xApiKey(reader.primary.key), accept: '*/*' }, lane: true, passThrough: true },
  { name: 'an operation chosen by name', body: { query: `${JOB} query Other { viewer { business { slug } } }`, operationName: 'Other' }, headers: xApiKey(reader.primary.key), lane: true },
  { name: 'a request id of the caller', body: { query: JOB, variables: { id: jobId } }, headers: { ...xApiKey(reader.primary.key), 'x-request-id': 'partner-123' }, lane: true, passThrough: true },
  { name: 'page sizes from variables over the cost ceiling', body: { query: 'query Deep($n: Int) { jobs(first: $n) { nodes { salesOrders(first: $n) { nodes { lines { sku } } } } } }', variables: { n: 100 } }, headers: xApiKey(reader.primary.key), lane: true, passThrough: true },
  { name: 'a null condition of @include in a known document', teach: { query: MAYBE }, body: { query: MAYBE, variables: { s: null } }, headers: xApiKey(reader.primary.key), lane: true },
  { name: 'page sizes over the cost ceiling in a known document', teach: { query: PAGE, variables: { first: 2 } }, body: { query: 'query Page($first: Int, $after: String) { jobs(first: $first, after: $after) { totalCount nodes { id number client { name } } pageInfo { hasNextPage endCursor } } }', variables: { first: 2000 } }, headers: xApiKey(reader.primary.key), lane: true },
  { name: 'the other operation of a document', body: { query: TWO, operationName: 'Cheap' }, headers: xApiKey(reader.primary.key), lane: true },
  { name: 'an operation name that names nothing', body: { query: JOB, variables: { id: jobId }, operationName: '' }, headers: xApiKey(reader.primary.key), lane: false },
  { name: 'a body the lane does not read', body: { query: JOB, variables: { id: jobId, pad: 'x'.repeat(70_000) } }, headers: xApiKey(reader.primary.key), lane: false },
  { name: 'a content type spelled otherwise', body: { query: JOB, variables: { id: jobId } }, headers: { ...xApiKey(reader.primary.key), 'content-type': 'Application/JSON' }, lane: false },
  { name: 'a variable of the wrong type', body: { query: PAGE, variables: { first: 'three' } }, headers: xApiKey(reader.primary.key), lane: false },
  { name: 'a variable PostgreSQL cannot store', body: { query: PAGE, variables: { first: 2, after: 'a\u0000b' } }, headers: xApiKey(reader.primary.key), lane: false },
  { name: 'bad JSON', body: '{"query": ', headers: xApiKey(reader.primary.key), lane: false },
  { name: 'a mutation', body: { query: 'mutation { signOut }' }, headers: xApiKey(reader.primary.key), lane: false },
  { name: 'introspection', body: { query: '{ __typename }' }, headers: xApiKey(reader.primary.key), lane: false },
  { name: 'a browser request', body: { query: JOB, variables: { id: jobId } }, headers: { ...xApiKey(reader.primary.key), origin: 'https://example.com' }, lane: false },
  { name: 'no credential', body: { query: JOB, variables: { id: jobId } }, headers: {}, lane: false },
  { name: 'a media type the lane leaves to yoga', body: { query: JOB, variables: { id: jobId } }, headers: { ...xApiKey(reader.primary.key), accept: 'text/html, application/json' }, lane: false },
]

/** What is compared: status, headers but the clock's, and the body with the bucket's level set aside. */
async function answer(url: string, probe: Probe) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-request-id': `probe-${probe.name.length}`, ...probe.headers },
    body: typeof probe.body === 'string' ? probe.body : JSON.stringify(probe.body),
  })
  const text = await response.text()
  const headers = Object.fromEntries([...response.headers].filter(([name]) => !['date', 'x-ratelimit-remaining', 'x-ratelimit-used', 'x-ratelimit-reset'].includes(name)))
  return { status: response.status, headers, body: text.replace(/"currentlyAvailable":\d+/, '"currentlyAvailable":"…"') }
}

describe('the lean lane', () => {
  it('answers every kind of request as yoga does, status, headers and body', async () => {
    for (const probe of probes()) {
      const teach = { ...probe, body: probe.teach ?? probe.body }
      await answer(server.url, teach)
      await answer(yogaOnly.url, teach)
      const afterFirst = server.app.laneStats()!
      const lane = await answer(server.url, probe)
      const yoga = await answer(yogaOnly.url, probe)
      const afterSecond = server.app.laneStats()!
      expect(lane, probe.name).toEqual(yoga)
      // The first sending teaches the lane a new document; the second is the lane's when it takes the request at all.
      expect(afterSecond.served - afterFirst.served, `${probe.name}: ${probe.lane ? 'answered by the lane' : 'handed to yoga'}`).toBe(probe.lane ? 1 : 0)
      expect(afterSecond.passedThrough - afterFirst.passedThrough, `${probe.name}: ${probe.passThrough ? 'passed through' : 'executed'}`).toBe(probe.passThrough ? 1 : 0)
    }
  })

  it('runs the operation a request names, whichever of a document\'s operations ran first', async () => {
    for (const url of [server.url, yogaOnly.url]) {
      const heavy = JSON.parse((await answer(url, { name: 'heavy', body: { query: TWO, operationName: 'Heavy' }, headers: xApiKey(reader.primary.key), lane: true })).body)
      const cheap = JSON.parse((await answer(url, { name: 'cheap', body: { query: TWO, operationName: 'Cheap' }, headers: xApiKey(reader.primary.key), lane: true })).body)
      expect(Object.keys(heavy.data)).toEqual(['jobs'])
      expect(Object.keys(cheap.data)).toEqual(['viewer'])
      expect(cheap.extensions.cost.requestedQueryCost).toBeLessThan(heavy.extensions.cost.requestedQueryCost)
    }
  })

  it('is off with GATEHOUSE_LEAN_HTTP=0, and a document is remembered once', async () => {
    const before = server.app.laneStats()!
    for (let i = 0; i < 3; i++) await answer(server.url, probes()[0]!)
    const after = server.app.laneStats()!
    expect(after.served - before.served).toBe(3)
    expect(after.documents).toBe(before.documents)
    expect(await answer(yogaOnly.url, probes()[0]!)).toMatchObject({ status: 200 })
  })

  it('logs, counts and meters a lane request like any other', async () => {
    const probe = probes()[0]!
    const first = await answer(server.url, probe)
    const second = await answer(server.url, probe)
    expect(second.status).toBe(200)
    expect(second.headers['x-request-id']).toBe(first.headers['x-request-id'])
    expect(second.headers['x-ratelimit-limit']).toBe('50000')
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toMatch(/gatehouse_graphql_request_duration_seconds_count\{operation="Job",code="OK",status="200"\} \d+/)
  })
})
