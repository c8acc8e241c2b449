import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MODULES, uniformMatrix } from '../../src/access/permissions.js'
import { exportExecutor } from '../../src/app.js'
import { exportBatchStats, runExport } from '../../src/exports/run-export.js'
import { getSchema } from '../../src/schema.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { type MemberWithKeys, type SignedIn, createMemberWithKeys, createRoleSql, signInAsAdmin } from '../setup/clients.js'
import { loadIntoBusiness } from '../setup/factories.js'
import { NESTED_EXPORT } from './export-helpers.js'

/**
 * The export's two paths write the same file: each query shape below is exported by the SQL path
 * (PostgreSQL writes the lines, export-sql.ts) and by the fallback (GraphQL execution flattened in
 * Node), as an ALL, a MY and a MINE key, and the two files must be equal byte for byte — with the
 * SQL path actually taken for every batch of the first, and never for the second.
 */

let server: TestServer
let admin: SignedIn
const keys: Record<'ALL' | 'MY' | 'MINE', MemberWithKeys> = {} as never
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-export-paths-'))
const db = () => server.app.services.database.db

beforeAll(async () => {
  server = await startTestServer({ GATEHOUSE_EXPORT_DIR: dir })
  admin = await signInAsAdmin(server)
  await loadIntoBusiness(db(), admin, {
    seed: 18,
    sizes: { salesReps: 4, contacts: 25, suppliers: 3, jobs: 140, salesOrdersPerJob: 2, purchaseOrdersPerJob: 1, linesPerOrder: 2 },
  })
  const team = await db().insertInto('teams').values({ business_id: admin.businessId, name: 'Export paths' }).returning('id').executeTakeFirstOrThrow()
  const levels = (level: 'ALL' | 'MY' | 'MINE') => {
    const matrix = uniformMatrix('NONE')
    for (const module of MODULES) matrix[module].INQUIRE = level
    return createRoleSql(server, admin.businessId, matrix)
  }
  keys.ALL = await createMemberWithKeys(server, admin, { roleId: await levels('ALL') })
  keys.MY = await createMemberWithKeys(server, admin, { roleId: await levels('MY'), teamId: team.id })
  keys.MINE = await createMemberWithKeys(server, admin, { roleId: await levels('MINE') })
  // Two of the sales reps join the MY key's team; the MINE key owns every fifth job and contact.
  const reps = await db().selectFrom('principals').select('id').where('business_id', '=', admin.businessId).where('kind', '=', 'USER')
    .where('id', '<>', admin.userId).orderBy('id').limit(2).execute()
  await db().updateTable('principals').set({ team_id: team.id }).where('business_id', '=', admin.businessId).where('id', 'in', reps.map((rep) => rep.id)).execute()
  for (const table of ['jobs', 'contacts'] as const) {
    const rows = await db().selectFrom(table).select('id').where('business_id', '=', admin.businessId).orderBy('id').execute()
    const owned = rows.filter((_, index) => index % 5 === 0).map((row) => row.id)
    await db().updateTable(table).set({ owner_id: keys.MINE.id }).where('business_id', '=', admin.businessId).where('id', 'in', owned).execute()
  }
  // One job with more sales orders than a page: the fallback continues it, the SQL path reads it whole.
  const [first] = await db().selectFrom('jobs').select('id').where('business_id', '=', admin.businessId).orderBy('id').limit(1).execute()
  const orders = await db().selectFrom('sales_orders').select('id').where('business_id', '=', admin.businessId).orderBy('id').limit(120).execute()
  await db().updateTable('sales_orders').set({ job_id: first!.id }).where('business_id', '=', admin.businessId).where('id', 'in', orders.map((order) => order.id)).execute()
}, 120_000)
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Runs `query` to its end as `key` on one path, in process; answers the file and the batches each path read. */
async function exportOn(key: MemberWithKeys, query: string, sqlPath: boolean) {
  const row = await db().insertInto('bulk_exports').values({
    business_id: admin.businessId, principal_id: key.id, credential: JSON.stringify({ kind: 'session', sessionId: '0' }), query,
    file_token: randomBytes(24).toString('base64url'), status: 'RUNNING', runner: 'export-paths', heartbeat_at: new Date(), started_at: new Date(),
  }).returningAll().executeTakeFirstOrThrow()
  const part = `${row.file_token}.export-paths.part`
  const path = join(dir, part)
  const before = { ...exportBatchStats }
  try {
    const services = server.app.services
    const result = await runExport({ services, schema: getSchema(), execute: exportExecutor(services.config), runner: 'export-paths', stopped: () => false, sqlPath }, row, { dir, part })
    const text = readFileSync(path, 'utf8')
    expect(result).toEqual({ objectCount: text.split('\n').length - 1, bytes: Buffer.byteLength(text) })
    return { text, sql: exportBatchStats.sql - before.sql, graphql: exportBatchStats.graphql - before.graphql }
  } finally {
    await db().deleteFrom('bulk_exports').where('business_id', '=', admin.businessId).where('id', '=', row.id).execute()
  }
}

const SHAPES: Array<[name: string, query: string]> = [
  ['the issue\'s nested query (edges, a fragment, owners)', NESTED_EXPORT],
  ['a field subset under aliases', '{ j: jobs { nodes { num: number label: name kind: __typename orders: salesOrders { edges { node { sum: total lines { qty: quantity } } } } } } }'],
  ['sync order with dates, money and owners with teams', `{ salesOrders(filter: { updatedSince: "2000-01-01T00:00:00Z" }) { nodes { number orderDate dueDate
    createdAt updatedAt currency subtotal taxTotal total status owner { id kind name team { id name } } job { number client { name } } } } }`],
  ['filters, and two roots with nested purchase orders', `{ jobs(filter: { status: [WIP, PENDING] }) { nodes { number status inHandsDate purchaseOrders { nodes { number total supplier { name } lines { position unitCost } } } } }
    suppliers { nodes { name email purchaseOrders { nodes { number } } } } }`],
  ['a search, contact points and a computed name', '{ contacts(filter: { search: "a" }) { nodes { name firstName emails { label value } addresses { city } jobs { nodes { number } } salesOrders { nodes { total } } } } }'],
]

describe.each(['ALL', 'MY', 'MINE'] as const)('as a %s key', (level) => {
  it.each(SHAPES)('%s: the SQL path writes the fallback\'s bytes', async (_name, query) => {
    const written = await exportOn(keys[level], query, true)
    const executed = await exportOn(keys[level], query, false)
    expect(written.graphql).toBe(0)
    expect(written.sql).toBeGreaterThan(0)
    expect(executed.sql).toBe(0)
    expect(executed.graphql).toBe(written.sql)
    expect(written.text).toBe(executed.text)
  })
})
