import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniformMatrix } from '../../src/access/permissions.js'
import { exportBatchStats } from '../../src/exports/run-export.js'
import { decodeGlobalId } from '../../src/graphql/global-id.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { type MemberWithKeys, type SignedIn, createMemberWithKeys, createRoleSql, signInAsAdmin, xApiKey } from '../setup/clients.js'
import { loadIntoBusiness } from '../setup/factories.js'
import { eventually } from '../setup/eventually.js'
import { NESTED, NESTED_EXPORT, exportLines, pagedLines, startExport, waitForExport } from './export-helpers.js'

/**
 * Bulk exports end to end over HTTP: the JSONL of a nested query equals the same data paged
 * through GraphQL, for an ALL key and a MINE key; bad queries are refused at start with contract
 * codes; one open export per principal; the download needs the same principal and serves ranges
 * and gzip.
 */

let server: TestServer
let admin: SignedIn
let all: MemberWithKeys
let mine: MemberWithKeys
let jobsOnly: MemberWithKeys
let ownedJobs: Set<string>
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-export-'))

beforeAll(async () => {
  server = await startTestServer({ GATEHOUSE_EXPORT_DIR: dir })
  admin = await signInAsAdmin(server)
  await loadIntoBusiness(server.app.services.database.db, admin, {
    seed: 15,
    sizes: { salesReps: 3, contacts: 30, suppliers: 2, jobs: 230, salesOrdersPerJob: 2, purchaseOrdersPerJob: 0, linesPerOrder: 3 },
  })
  all = await createMemberWithKeys(server, admin)
  const mineMatrix = uniformMatrix('NONE')
  for (const module of ['JOBS', 'SALES_ORDERS', 'CONTACTS'] as const) mineMatrix[module].INQUIRE = 'MINE'
  mine = await createMemberWithKeys(server, admin, { roleId: await createRoleSql(server, admin.businessId, mineMatrix) })
  const jobsMatrix = uniformMatrix('NONE')
  jobsMatrix.JOBS.INQUIRE = 'ALL'
  jobsOnly = await createMemberWithKeys(server, admin, { roleId: await createRoleSql(server, admin.businessId, jobsMatrix) })
  // The MINE member owns every seventh job and every fourth contact.
  const db = server.app.services.database.db
  const jobs = await db.selectFrom('jobs').select('id').where('business_id', '=', admin.businessId).orderBy('id').execute()
  const owned = jobs.filter((_, index) => index % 7 === 0).map((job) => job.id)
  await db.updateTable('jobs').set({ owner_id: mine.id }).where('business_id', '=', admin.businessId).where('id', 'in', owned).execute()
  const contacts = await db.selectFrom('contacts').select('id').where('business_id', '=', admin.businessId).orderBy('id').execute()
  const ownedContacts = contacts.filter((_, index) => index % 4 === 0).map((contact) => contact.id)
  await db.updateTable('contacts').set({ owner_id: mine.id }).where('business_id', '=', admin.businessId).where('id', 'in', ownedContacts).execute()
  ownedJobs = new Set(owned)
}, 120_000)
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Runs `work` and answers how many root batches each export path read meanwhile. */
async function batchesRead(work: () => Promise<void>) {
  const before = { ...exportBatchStats }
  await work()
  return { sql: exportBatchStats.sql - before.sql, graphql: exportBatchStats.graphql - before.graphql, readAhead: exportBatchStats.readAhead - before.readAhead }
}

describe('the JSONL equals the same data paged through GraphQL', () => {
  it('for an ALL key: every job, order (lines inline) and contact, children after their parent', async () => {
    const headers = xApiKey(all.primary.key)
    let exported!: Awaited<ReturnType<typeof exportLines>>
    // Written by PostgreSQL (export-sql.ts): 230 jobs are three batches (the second and third read
    // ahead, while the one before was written), 30 contacts one; none through GraphQL.
    expect(await batchesRead(async () => void (exported = await exportLines(server, headers, NESTED_EXPORT)))).toEqual({ sql: 4, graphql: 0, readAhead: 2 })
    const { state, text, lines } = exported
    const paged = await pagedLines(server, headers, NESTED)
    expect(lines).toEqual(paged.lines)
    expect(lines.length).toBe(230 + 230 * 2 + 30 + 230)
    expect(state.objectCount).toBe(lines.length)
    expect(state.bytes).toBe(Buffer.byteLength(text))
    // Three root batches of jobs (230 > 2 × 100) were read, and the lines carry what Shopify's do.
    const order = lines.find((line) => line.__typename === 'SalesOrder')!
    expect(order).toMatchObject({ __parentId: expect.any(String), lines: expect.any(Array) })
    expect((order.lines as unknown[]).length).toBe(3)
    expect(decodeGlobalId(order.__parentId as string).typename).toBe('Job')
  })

  it('for a MINE key: only its own records, as its paged reads see them', async () => {
    const headers = xApiKey(mine.primary.key)
    let lines!: Array<Record<string, unknown>>
    expect(await batchesRead(async () => void ({ lines } = await exportLines(server, headers, NESTED_EXPORT)))).toEqual({ sql: 2, graphql: 0, readAhead: 0 })
    const paged = await pagedLines(server, headers, NESTED)
    expect(lines).toEqual(paged.lines)
    const jobIds = lines.filter((line) => line.__typename === 'Job' && !line.__parentId).map((line) => decodeGlobalId(line.id as string).id)
    expect(jobIds.length).toBe(ownedJobs.size)
    expect(jobIds.every((id) => ownedJobs.has(id))).toBe(true)
  })
})

describe('refused at start with contract codes', () => {
  const headers = () => xApiKey(jobsOnly.primary.key)
  it.each([
    ['a mutation', 'mutation { signOut }', 'BAD_USER_INPUT'],
    ['an unknown field', '{ jobs { nodes { colour } } }', 'BAD_USER_INPUT'],
    ['a syntax error', '{ jobs { nodes { id }', 'BAD_USER_INPUT'],
    ['a paging argument', '{ jobs(first: 5) { nodes { id } } }', 'BAD_USER_INPUT'],
    ['a root that is not a list', '{ viewer { caller { id } } }', 'BAD_USER_INPUT'],
    ['variables', 'query($s: String) { jobs(filter: { search: $s }) { nodes { id } } }', 'BAD_USER_INPUT'],
    ['a module the role does not grant (root)', '{ contacts { nodes { id } } }', 'FORBIDDEN'],
    ['a module the role does not grant (nested)', '{ jobs { nodes { id client { name } } } }', 'FORBIDDEN'],
    ['a module the role does not grant (connection)', '{ jobs { nodes { salesOrders { nodes { id } } } } }', 'FORBIDDEN'],
  ])('%s', async (_name, query, code) => {
    const { status, body } = await startExport(server, headers(), query)
    expect(status).toBeLessThan(500)
    expect(body.errors?.[0]?.extensions?.code).toBe(code)
    const open = await server.app.services.database.db.selectFrom('bulk_exports').select('id')
      .where('business_id', '=', admin.businessId).where('principal_id', '=', jobsOnly.id).execute()
    expect(open).toEqual([])
  })

  it.each([
    ['connections nested two levels deep', '{ contacts { nodes { jobs { nodes { salesOrders { nodes { id } } } } } } }'],
    ['more than five connections', `{ ${[1, 2, 3, 4, 5, 6].map((n) => `j${n}: jobs { nodes { id } }`).join(' ')} }`],
    ['a connection inside a plain object', '{ salesOrders { nodes { job { salesOrders { nodes { id } } } } } }'],
  ])('%s: BAD_USER_INPUT, nothing recorded', async (_name, query) => {
    const count = () => server.app.services.database.db.selectFrom('bulk_exports').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('business_id', '=', admin.businessId).executeTakeFirstOrThrow().then((row) => Number(row.n))
    const before = await count()
    const { body } = await startExport(server, xApiKey(all.primary.key), query)
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.query' })
    expect(await count()).toBe(before)
  })

  it('a second export while one is open is CONFLICT; cancel ends it, and a finished one cannot be canceled', async () => {
    const headers = xApiKey(jobsOnly.secondary.key)
    const first = await startExport(server, headers, '{ jobs { nodes { number salesOrders: __typename } } }')
    expect(first.body.errors).toBeUndefined()
    const second = await startExport(server, xApiKey(jobsOnly.primary.key), '{ jobs { nodes { number } } }')
    expect(second.body.errors?.[0]?.extensions?.code).toBe('CONFLICT')
    const id = first.body.data.startBulkExport.id
    const cancel = (key: string) => server.graphql('mutation($id: ID!) { cancelBulkExport(input: { id: $id }) { id status url } }', { headers: xApiKey(key), variables: { id } })
    const canceled = await cancel(jobsOnly.primary.key)
    // Canceled before it ended, or CONFLICT when it had already completed: never both, never a 500.
    if (canceled.body.errors) expect(canceled.body.errors[0]?.extensions?.code).toBe('CONFLICT')
    else expect(canceled.body.data.cancelBulkExport).toMatchObject({ status: 'CANCELED', url: null })
    const state = await waitForExport(server, headers, id)
    expect(['CANCELED', 'COMPLETED']).toContain(state.status)
    // Nothing of a canceled export stays in the folder (its run removes its part, the sweep the
    // rest); of a completed one, its file alone.
    const { file_token: token } = await server.app.services.database.db.selectFrom('bulk_exports').select('file_token')
      .where('id', '=', decodeGlobalId(id).id).executeTakeFirstOrThrow()
    await eventually(() => expect(readdirSync(dir).filter((name) => name.startsWith(`${token}.`))).toEqual(state.status === 'COMPLETED' ? [`${token}.jsonl`] : []))
    expect((await cancel(jobsOnly.primary.key)).body.errors?.[0]?.extensions?.code).toBe('CONFLICT')
    // Another principal cannot see or cancel it.
    const foreign = await server.graphql('mutation($id: ID!) { cancelBulkExport(input: { id: $id }) { id } }', { headers: xApiKey(all.primary.key), variables: { id } })
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
  })
})

describe('the download', () => {
  let url: string
  let text: string
  beforeAll(async () => {
    const exported = await exportLines(server, xApiKey(jobsOnly.primary.key), '{ jobs { nodes { number name } } }')
    url = `${server.url}${exported.state.url}`
    text = exported.text
  })

  it('needs the credential of the principal that started it (either key of its pair)', async () => {
    expect((await fetch(url)).status).toBe(401)
    expect((await fetch(url, { headers: xApiKey(all.primary.key) })).status).toBe(404)
    expect((await fetch(url, { headers: admin.headers })).status).toBe(404)
    const other = await fetch(url, { headers: xApiKey(jobsOnly.secondary.key) })
    expect(other.status).toBe(200)
    expect(await other.text()).toBe(text)
    expect((await fetch(url.replace(/[A-Za-z0-9_-]{32}\.jsonl$/, `${'A'.repeat(32)}.jsonl`), { headers: xApiKey(jobsOnly.primary.key) })).status).toBe(404)
  })

  it('answers HEAD with the size and no body, and refuses other methods (405)', async () => {
    const headers = xApiKey(jobsOnly.primary.key)
    const head = await fetch(url, { method: 'HEAD', headers: { ...headers, 'accept-encoding': 'identity' } })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(text)))
    expect(head.headers.get('accept-ranges')).toBe('bytes')
    expect(await head.text()).toBe('')
    expect((await fetch(url, { method: 'POST', headers })).status).toBe(405)
    expect((await fetch(`${server.url}/exports/..%2F..%2Fetc%2Fpasswd`, { headers })).status).toBe(404)
  })

  it('serves a byte range (206) and an unsatisfiable one (416)', async () => {
    const headers = xApiKey(jobsOnly.primary.key)
    const part = await fetch(url, { headers: { ...headers, range: 'bytes=10-99' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 10-99/${Buffer.byteLength(text)}`)
    expect(Buffer.from(await part.arrayBuffer())).toEqual(Buffer.from(text).subarray(10, 100))
    const tail = await fetch(url, { headers: { ...headers, range: 'bytes=-20' } })
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(Buffer.from(text).subarray(-20))
    const beyond = await fetch(url, { headers: { ...headers, range: `bytes=${Buffer.byteLength(text)}-` } })
    expect(beyond.status).toBe(416)
  })

  it('gzips the whole file when the client accepts it', async () => {
    const { request } = await import('node:http')
    const body = await new Promise<{ encoding?: string; bytes: Buffer }>((resolve, reject) => {
      const req = request(url, { headers: { ...xApiKey(jobsOnly.primary.key), 'accept-encoding': 'gzip' } }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve({ encoding: response.headers['content-encoding'], bytes: Buffer.concat(chunks) }))
      })
      req.on('error', reject)
      req.end()
    })
    expect(body.encoding).toBe('gzip')
    expect(gunzipSync(body.bytes).toString()).toBe(text)
    expect(body.bytes.length).toBeLessThan(Buffer.byteLength(text))
  })
})
