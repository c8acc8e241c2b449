import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBusiness } from '../../src/access/businesses.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import { decodeGlobalId, encodeGlobalId } from '../../src/graphql/global-id.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { signInAsAdmin } from '../setup/clients.js'
import { createTestDatabase } from '../setup/database.js'
import { executeAs } from '../setup/in-process.js'

/**
 * Sales and purchase order writes, in process against a real database: one transaction per
 * mutation (a bad line writes nothing), exact totals, gapless numbers under concurrency,
 * idempotent creates, optimistic versions, line patches, tenant-checked references, tombstones.
 */

type Who = { businessId: string; principalId: string }
let database: DatabaseHandle
let home: Who
let away: Who
const ids = {} as Record<'job' | 'client' | 'prospect' | 'supplier' | 'awayJob' | 'awayClient' | 'awaySupplier', string>

async function seedBusiness(name: string) {
  const db = database.db
  const business = await createBusiness(db, { name })
  const admin = await db.insertInto('principals')
    .values({ business_id: business.id, kind: 'USER', name: `${name} admin`, email: `admin@${business.slug}.test`, role_id: business.adminRoleId })
    .returning('id').executeTakeFirstOrThrow()
  const contact = async (type: 'CLIENT' | 'PROSPECT') => (await db.insertInto('contacts')
    .values({ business_id: business.id, type, first_name: `${name} ${type}`, owner_id: admin.id }).returning('id').executeTakeFirstOrThrow()).id
  const client = await contact('CLIENT')
  const prospect = await contact('PROSPECT')
  const job = await db.insertInto('jobs')
    .values({ business_id: business.id, number: 1, name: `${name} job`, status: 'WIP', client_id: client, owner_id: admin.id })
    .returning('id').executeTakeFirstOrThrow()
  const supplier = await db.insertInto('suppliers').values({ business_id: business.id, name: `${name} supplies` }).returning('id').executeTakeFirstOrThrow()
  return {
    who: { businessId: business.id, principalId: admin.id },
    job: encodeGlobalId('Job', job.id), client: encodeGlobalId('Contact', client), prospect: encodeGlobalId('Contact', prospect),
    supplier: encodeGlobalId('Supplier', supplier.id),
  }
}

beforeAll(async () => {
  database = await createTestDatabase()
  const h = await seedBusiness('Home')
  const a = await seedBusiness('Away')
  home = h.who
  away = a.who
  Object.assign(ids, { job: h.job, client: h.client, prospect: h.prospect, supplier: h.supplier, awayJob: a.job, awayClient: a.client, awaySupplier: a.supplier })
})
afterAll(() => database.close())

const ORDER = 'id number version status dueDate currency subtotal taxTotal total client { id } lines { position sku description quantity unitPrice taxRate amount }'
const CREATE = `mutation($input: CreateSalesOrderInput!) { createSalesOrder(input: $input) { idempotentReplay salesOrder { ${ORDER} } } }`
const UPDATE = `mutation($input: UpdateSalesOrderInput!) { updateSalesOrder(input: $input) { salesOrder { ${ORDER} } } }`
const DELETE = `mutation($input: DeleteSalesOrderInput!) { deleteSalesOrder(input: $input) { deletedId version } }`
const run = (query: string, input: Record<string, unknown>, who: Who = home) => executeAs(database, who, query, { input }) as Promise<any>
const line = (quantity: string, unitPrice: string, extra: Record<string, unknown> = {}) => ({ description: `item ${quantity} × ${unitPrice}`, quantity, unitPrice, ...extra })
const order = (lines: Record<string, unknown>[] = [line('1', '10')], extra: Record<string, unknown> = {}) => ({ jobId: ids.job, currency: 'USD', lines, ...extra })
const codeOf = (result: any) => result.errors?.[0]?.extensions?.code
const fieldOf = (result: any) => result.errors?.[0]?.extensions?.field

async function counts() {
  const count = async (table: 'sales_orders' | 'sales_order_lines' | 'purchase_orders' | 'purchase_order_lines' | 'jobs' | 'audit_events') =>
    Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  const counters = await database.db.selectFrom('business_counters').select(['business_id', 'name', 'last_value']).orderBy('business_id').orderBy('name').execute()
  return {
    orders: await count('sales_orders'), orderLines: await count('sales_order_lines'), purchases: await count('purchase_orders'),
    purchaseLines: await count('purchase_order_lines'), jobs: await count('jobs'), audit: await count('audit_events'), counters,
  }
}

async function created(input: Record<string, unknown>, who: Who = home) {
  const result = await run(CREATE, input, who)
  expect(result.errors).toBeUndefined()
  return result.data.createSalesOrder.salesOrder
}

describe('sales order writes', () => {
  it('refuses an order whose third line is invalid: every bad field named, nothing written, no number used', async () => {
    const first = await created(order())
    const before = await counts()
    const result = await run(CREATE, order([
      line('1', '5'), line('2', '5'),
      { sku: 's'.repeat(65), description: 'd'.repeat(600), quantity: '-3', unitPrice: '-1', taxRate: '1.5' },
    ]))
    expect(codeOf(result)).toBe('BAD_USER_INPUT')
    const fields = result.errors[0].extensions.fields.map((problem: any) => problem.field).sort()
    expect(fields).toEqual(['input.lines.2.description', 'input.lines.2.quantity', 'input.lines.2.sku', 'input.lines.2.taxRate', 'input.lines.2.unitPrice'])
    expect(await counts()).toEqual(before)
    const next = await created(order())
    expect(next.number).toBe(first.number + 1)
  })

  it('computes exact totals from the lines, rounding half up to cents', async () => {
    const result = await created(order([
      line('3', '0.335', { taxRate: '0.0825' }),
      line('1.5', '19.99', { taxRate: '0.0825', sku: 'SKU-1' }),
      line('2', '0.005'),
    ]))
    expect(result.lines.map((l: any) => [l.position, l.amount])).toEqual([[1, '1.01'], [2, '29.99'], [3, '0.01']])
    // Tax per line: 1.01 × 0.0825 = 0.083325 → 0.08; 29.99 × 0.0825 = 2.474175 → 2.47.
    expect(result).toMatchObject({ subtotal: '31.01', taxTotal: '2.55', total: '33.56', version: 1, status: 'PENDING' })
    const sum = result.lines.reduce((total: Decimal, l: any) => total.plus(l.amount), new Decimal(0))
    expect(sum.toFixed(2)).toBe(result.subtotal)
    // The client defaults to the job's.
    expect(result.client).toEqual({ id: ids.client })
  })

  it('numbers concurrent creates without duplicates or gaps, per business', async () => {
    const start = (await created(order())).number
    const results = await Promise.all([
      ...Array.from({ length: 15 }, (_, i) => run(CREATE, order([line(String(i + 1), '1'), line('1', '2')]))),
      ...Array.from({ length: 4 }, () => run(CREATE, { ...order(), jobId: ids.awayJob }, away)),
    ])
    expect(results.filter((result) => result.errors)).toEqual([])
    const numbers = (from: any[]) => from.map((result) => result.data.createSalesOrder.salesOrder.number).sort((a: number, b: number) => a - b)
    expect(numbers(results.slice(0, 15))).toEqual(Array.from({ length: 15 }, (_, i) => start + 1 + i))
    expect(numbers(results.slice(15))).toEqual([1, 2, 3, 4])
    for (const result of results.slice(0, 15)) expect(result.data.createSalesOrder.salesOrder.lines).toHaveLength(2)
  })

  it('applies a create once per idempotency key, sequentially and concurrently', async () => {
    const input = order([line('1', '1'), line('2', '2')], { idempotencyKey: 'so-once-1' })
    const first = await run(CREATE, input)
    const again = await run(CREATE, input)
    expect(again.data.createSalesOrder).toEqual({ ...first.data.createSalesOrder, idempotentReplay: true })

    const before = await counts()
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => run(CREATE, { ...input, idempotencyKey: 'so-once-2' })))
    expect(new Set(concurrent.map((result) => result.data.createSalesOrder.salesOrder.id)).size).toBe(1)
    expect(concurrent.filter((result) => !result.data.createSalesOrder.idempotentReplay)).toHaveLength(1)
    const after = await counts()
    expect([after.orders - before.orders, after.orderLines - before.orderLines]).toEqual([1, 2])
  })

  it('lets exactly one of 20 concurrent updates with the same expectedVersion win', async () => {
    const { id } = await created(order())
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      run(UPDATE, { id, expectedVersion: 1, status: 'OPEN', dueDate: `2027-01-${String(i + 1).padStart(2, '0')}`, lines: [line(String(i + 1), '3')] })))
    const winners = results.filter((result) => !result.errors)
    expect(winners).toHaveLength(1)
    expect(results.filter((result) => codeOf(result) === 'CONFLICT')).toHaveLength(19)
    const won = winners[0].data.updateSalesOrder.salesOrder
    const stored = await database.db.selectFrom('sales_orders').select(['status', 'due_date', 'subtotal', 'version'])
      .where('business_id', '=', home.businessId).where('number', '=', won.number).executeTakeFirstOrThrow()
    expect(stored).toEqual({ status: 'OPEN', due_date: won.dueDate, subtotal: won.subtotal, version: 2 })
    const quantity = Number(won.dueDate.slice(-2))
    expect(won.lines.map((l: any) => [l.quantity, l.amount])).toEqual([[new Decimal(quantity).toFixed(4), new Decimal(quantity * 3).toFixed(2)]])
  })

  it('patches lines: renumbers, reprices, and makes one new version per update', async () => {
    const { id } = await created(order([line('1', '1'), line('1', '2'), line('1', '3'), line('1', '4')]))
    const patched = await run(UPDATE, {
      id, expectedVersion: 1,
      updateLines: [{ position: 2, quantity: '5' }], removeLines: [1, 3], addLines: [line('2', '10', { sku: 'NEW' })],
    })
    expect(patched.errors).toBeUndefined()
    const after = patched.data.updateSalesOrder.salesOrder
    expect(after.lines.map((l: any) => [l.position, l.unitPrice, l.amount, l.sku])).toEqual([
      [1, '2.0000', '10.00', null], [2, '4.0000', '4.00', null], [3, '10.0000', '20.00', 'NEW'],
    ])
    expect(after).toMatchObject({ version: 2, subtotal: '34.00', total: '34.00' })

    // Lines alone changing (the totals do not) still make a new version; the same lines again do not.
    const described = await run(UPDATE, { id, expectedVersion: 2, updateLines: [{ position: 1, description: 'renamed' }] })
    expect(described.data.updateSalesOrder.salesOrder).toMatchObject({ version: 3, subtotal: '34.00' })
    const same = await run(UPDATE, { id, expectedVersion: 3, updateLines: [{ position: 1, description: 'renamed', quantity: '5.0' }] })
    expect(same.data.updateSalesOrder.salesOrder.version).toBe(3)
    // The audit names what each write changed, lines included.
    const audit = await database.db.selectFrom('audit_events').select(['action', 'details'])
      .where('target_type', '=', 'SalesOrder').where('target_id', '=', decodeGlobalId(id).id).orderBy('id').execute()
    expect(audit.map((event) => [event.action, event.action === 'record.update' ? event.details.fields : 'created'])).toEqual([
      ['record.create', 'created'], ['record.update', ['lines', 'subtotal', 'total']], ['record.update', ['lines']],
    ])

    const before = await counts()
    const both = await run(UPDATE, { id, expectedVersion: 3, lines: [line('1', '1')], removeLines: [1] })
    expect([codeOf(both), fieldOf(both)]).toEqual(['BAD_USER_INPUT', 'input.lines'])
    const missing = await run(UPDATE, { id, expectedVersion: 3, updateLines: [{ position: 1, quantity: '9' }, { position: 4, quantity: '1' }] })
    expect([codeOf(missing), fieldOf(missing)]).toEqual(['NOT_FOUND', 'input.updateLines.1.position'])
    const gone = await run(UPDATE, { id, expectedVersion: 3, removeLines: [7] })
    expect([codeOf(gone), fieldOf(gone)]).toEqual(['NOT_FOUND', 'input.removeLines.0'])
    const stale = await run(UPDATE, { id, expectedVersion: 2, addLines: [line('1', '1')] })
    expect(codeOf(stale)).toBe('CONFLICT')
    expect(await counts()).toEqual(before)
    const lookup: any = await executeAs(database, home, `query($id: ID!) { salesOrder(id: $id) { version lines { description quantity } } }`, { id })
    expect(lookup.data.salesOrder.version).toBe(3)
    expect(lookup.data.salesOrder.lines[0]).toEqual({ description: 'renamed', quantity: '5.0000' })
  })

  it('refuses references to another business or to a prospect, writing nothing', async () => {
    const before = await counts()
    const foreignJob = await run(CREATE, order(undefined, { jobId: ids.awayJob }))
    expect([codeOf(foreignJob), fieldOf(foreignJob)]).toEqual(['NOT_FOUND', 'input.jobId'])
    const foreignClient = await run(CREATE, order(undefined, { clientId: ids.awayClient }))
    expect([codeOf(foreignClient), fieldOf(foreignClient)]).toEqual(['NOT_FOUND', 'input.clientId'])
    const wrongType = await run(CREATE, order(undefined, { jobId: ids.client }))
    expect([codeOf(wrongType), fieldOf(wrongType)]).toEqual(['NOT_FOUND', 'input.jobId'])
    const prospect = await run(CREATE, order(undefined, { clientId: ids.prospect }))
    expect([codeOf(prospect), fieldOf(prospect)]).toEqual(['BAD_USER_INPUT', 'input.clientId'])
    const createPurchase = `mutation($input: CreatePurchaseOrderInput!) { createPurchaseOrder(input: $input) { purchaseOrder { id } } }`
    const foreignSupplier = await run(createPurchase, { jobId: ids.job, supplierId: ids.awaySupplier, currency: 'USD', lines: [] })
    expect([codeOf(foreignSupplier), fieldOf(foreignSupplier)]).toEqual(['NOT_FOUND', 'input.supplierId'])
    const createJob = `mutation($input: CreateJobInput!) { createJob(input: $input) { job { id } } }`
    const jobForeignClient = await run(createJob, { name: 'Nope', clientId: ids.awayClient })
    expect([codeOf(jobForeignClient), fieldOf(jobForeignClient)]).toEqual(['NOT_FOUND', 'input.clientId'])
    const { id } = await created(order())
    const afterCreate = await counts()
    const updateForeign = await run(UPDATE, { id, expectedVersion: 1, clientId: ids.awayClient })
    expect([codeOf(updateForeign), fieldOf(updateForeign)]).toEqual(['NOT_FOUND', 'input.clientId'])
    expect(await counts()).toEqual(afterCreate)
    expect(afterCreate.orders).toBe(before.orders + 1)
  })

  it('deletes with a tombstone that deletedRecords shows and updatedSince no longer lists', async () => {
    const since = new Date(Date.now() - 1000).toISOString()
    const { id } = await created(order([line('1', '1'), line('2', '2')]))
    const listed = async () => {
      const page: any = await executeAs(database, home, `query($since: DateTime!) { salesOrders(first: 100, filter: { updatedSince: $since }) { nodes { id } } }`, { since })
      return page.data.salesOrders.nodes.map((node: any) => node.id)
    }
    expect(await listed()).toContain(id)
    expect(codeOf(await run(DELETE, { id, expectedVersion: 3 }))).toBe('CONFLICT')
    const deleted = await run(DELETE, { id, expectedVersion: 1 })
    expect(deleted.data.deleteSalesOrder).toEqual({ deletedId: id, version: 2 })
    const sync: any = await executeAs(database, home, `query($since: DateTime!) {
      deletedRecords(first: 100, filter: { deletedSince: $since, types: [SalesOrder] }) { nodes { id type version } } }`, { since })
    expect(sync.data.deletedRecords.nodes).toEqual([{ id, type: 'SalesOrder', version: 2 }])
    expect(await listed()).not.toContain(id)
    // The lines stay with the tombstoned order.
    const lines = await database.db.selectFrom('sales_order_lines').select('position')
      .where('business_id', '=', home.businessId).where('sales_order_id', '=', decodeGlobalId(id).id).execute()
    expect(lines).toHaveLength(2)
    expect(codeOf(await run(DELETE, { id, expectedVersion: 2 }))).toBe('NOT_FOUND')
  })
})


describe('over HTTP', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server.close())

  it('answers a currency that is not ISO 4217 with BAD_USER_INPUT naming the field, writing nothing', async () => {
    const { headers } = await signInAsAdmin(server)
    const job = await server.graphql(`mutation { createJob(input: { name: "Web store" }) { job { id } } }`, { headers })
    const jobId = job.body.data.createJob.job.id
    for (const currency of ['XYZ', 'US', 'EURO', '']) {
      const response = await server.graphql(CREATE, { headers, variables: { input: { jobId, currency, lines: [line('1', '1')] } } })
      expect(response.status).toBe(400)
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.currency' })
    }
    const orders = await server.app.services.database.db.selectFrom('sales_orders').select('id').execute()
    expect(orders).toEqual([])
    // Codes match in any case (the Currency scalar's rule) and are kept in capitals. The status left
    // out takes its default under graphql-jit too (this document runs compiled by now).
    const good = await server.graphql(CREATE, { headers, variables: { input: { jobId, currency: 'jpy', lines: [line('1', '1')] } } })
    expect(good.body.data.createSalesOrder.salesOrder).toMatchObject({ number: 1, currency: 'JPY', status: 'PENDING' })
  })
})
