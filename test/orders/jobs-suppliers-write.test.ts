import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBusiness } from '../../src/access/businesses.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import { decodeGlobalId, encodeGlobalId } from '../../src/graphql/global-id.js'
import { createTestDatabase } from '../setup/database.js'
import { executeAs } from '../setup/in-process.js'

/**
 * Job and supplier writes, and what ties them to orders: job numbers, client checks, owners,
 * deletes refused while live orders point at them, and a delete racing an order create.
 */

type Who = { businessId: string; principalId: string }
let database: DatabaseHandle
let home: Who
let awayUser: string
const ids = {} as Record<'client' | 'prospect' | 'awayClient', string>

beforeAll(async () => {
  database = await createTestDatabase()
  const db = database.db
  const [h, a] = [await createBusiness(db, { name: 'Jobs Home' }), await createBusiness(db, { name: 'Jobs Away' })]
  const user = async (businessId: string, roleId: string, name: string) => (await db.insertInto('principals')
    .values({ business_id: businessId, kind: 'USER', name, email: `${name}@jobs.test`, role_id: roleId }).returning('id').executeTakeFirstOrThrow()).id
  home = { businessId: h.id, principalId: await user(h.id, h.adminRoleId, 'home') }
  awayUser = await user(a.id, a.adminRoleId, 'away')
  const contact = async (businessId: string, type: 'CLIENT' | 'PROSPECT') => encodeGlobalId('Contact', (await db.insertInto('contacts')
    .values({ business_id: businessId, type, first_name: type }).returning('id').executeTakeFirstOrThrow()).id)
  Object.assign(ids, { client: await contact(h.id, 'CLIENT'), prospect: await contact(h.id, 'PROSPECT'), awayClient: await contact(a.id, 'CLIENT') })
})
afterAll(() => database.close())

const JOB = 'id number name status inHandsDate version client { id }'
const CREATE_JOB = `mutation($input: CreateJobInput!) { createJob(input: $input) { idempotentReplay job { ${JOB} } } }`
const UPDATE_JOB = `mutation($input: UpdateJobInput!) { updateJob(input: $input) { job { ${JOB} } } }`
const DELETE_JOB = `mutation($input: DeleteJobInput!) { deleteJob(input: $input) { deletedId version } }`
const SUPPLIER = 'id name email phone version'
const CREATE_SUPPLIER = `mutation($input: CreateSupplierInput!) { createSupplier(input: $input) { supplier { ${SUPPLIER} } } }`
const UPDATE_SUPPLIER = `mutation($input: UpdateSupplierInput!) { updateSupplier(input: $input) { supplier { ${SUPPLIER} } } }`
const DELETE_SUPPLIER = `mutation($input: DeleteSupplierInput!) { deleteSupplier(input: $input) { deletedId version } }`
const CREATE_SO = `mutation($input: CreateSalesOrderInput!) { createSalesOrder(input: $input) { salesOrder { id version } } }`
const DELETE_SO = `mutation($input: DeleteSalesOrderInput!) { deleteSalesOrder(input: $input) { version } }`
const PO = 'id number version status supplier { id } subtotal taxTotal total lines { position unitCost quantity amount }'
const CREATE_PO = `mutation($input: CreatePurchaseOrderInput!) { createPurchaseOrder(input: $input) { purchaseOrder { ${PO} } } }`
const UPDATE_PO = `mutation($input: UpdatePurchaseOrderInput!) { updatePurchaseOrder(input: $input) { purchaseOrder { ${PO} } } }`
const DELETE_PO = `mutation($input: DeletePurchaseOrderInput!) { deletePurchaseOrder(input: $input) { version } }`

const run = (query: string, input: Record<string, unknown>) => executeAs(database, home, query, { input }) as Promise<any>
const codeOf = (result: any) => result.errors?.[0]?.extensions?.code
const fieldOf = (result: any) => result.errors?.[0]?.extensions?.field
async function ok(query: string, input: Record<string, unknown>) {
  const result = await run(query, input)
  expect(result.errors).toBeUndefined()
  return Object.values(result.data)[0] as any
}
const jobCount = async () => Number((await database.db.selectFrom('jobs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

describe('job writes', () => {
  it('creates jobs with gapless numbers, a client, the caller as owner and status WIP', async () => {
    const first = (await ok(CREATE_JOB, { name: 'First', clientId: ids.client, inHandsDate: '2027-03-01' })).job
    expect(first).toMatchObject({ number: 1, name: 'First', status: 'WIP', inHandsDate: '2027-03-01', version: 1, client: { id: ids.client } })
    const owner = await database.db.selectFrom('jobs').select('owner_id').where('id', '=', decodeGlobalId(first.id).id).executeTakeFirstOrThrow()
    expect(owner.owner_id).toBe(home.principalId)
    const many = await Promise.all(Array.from({ length: 10 }, (_, i) => run(CREATE_JOB, { name: `Job ${i}`, status: 'PENDING' })))
    expect(many.map((result) => result.data.createJob.job.number).sort((a: number, b: number) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
  })

  it('refuses a prospect, a foreign client, a foreign owner and bad fields, writing nothing', async () => {
    const before = await jobCount()
    const prospect = await run(CREATE_JOB, { name: 'P', clientId: ids.prospect })
    expect([codeOf(prospect), fieldOf(prospect)]).toEqual(['BAD_USER_INPUT', 'input.clientId'])
    const foreign = await run(CREATE_JOB, { name: 'F', clientId: ids.awayClient })
    expect([codeOf(foreign), fieldOf(foreign)]).toEqual(['NOT_FOUND', 'input.clientId'])
    const foreignOwner = await run(CREATE_JOB, { name: 'O', ownerId: encodeGlobalId('User', awayUser) })
    expect([codeOf(foreignOwner), fieldOf(foreignOwner)]).toEqual(['NOT_FOUND', 'input.ownerId'])
    const bad = await run(CREATE_JOB, { name: '', idempotencyKey: 'not a key!' })
    expect(bad.errors[0].extensions.fields.map((problem: any) => problem.field).sort()).toEqual(['input.idempotencyKey', 'input.name'])
    expect(await jobCount()).toBe(before)
  })

  it('updates the fields given, clears with null, and is idempotent on create', async () => {
    const input = { name: 'Retry me', clientId: ids.client, idempotencyKey: 'job-retry-1' }
    const first = await ok(CREATE_JOB, input)
    const again = await ok(CREATE_JOB, input)
    expect(again).toEqual({ ...first, idempotentReplay: true })
    const { id } = first.job
    const updated = (await ok(UPDATE_JOB, { id, expectedVersion: 1, status: 'CLOSED', clientId: null, inHandsDate: '2027-05-05' })).job
    expect(updated).toMatchObject({ name: 'Retry me', status: 'CLOSED', client: null, inHandsDate: '2027-05-05', version: 2 })
    const unchanged = (await ok(UPDATE_JOB, { id, expectedVersion: 2, status: 'CLOSED' })).job
    expect(unchanged.version).toBe(2)
    expect(codeOf(await run(UPDATE_JOB, { id, expectedVersion: 1, name: 'Stale' }))).toBe('CONFLICT')
  })

  it('refuses to delete a job while a live order belongs to it', async () => {
    const { job } = await ok(CREATE_JOB, { name: 'Busy' })
    const { salesOrder } = await ok(CREATE_SO, { jobId: job.id, currency: 'EUR', lines: [] })
    const refused = await run(DELETE_JOB, { id: job.id, expectedVersion: 1 })
    expect(codeOf(refused)).toBe('CONFLICT')
    expect((await database.db.selectFrom('jobs').select(['version', 'deleted_at']).where('id', '=', decodeGlobalId(job.id).id).executeTakeFirstOrThrow()))
      .toEqual({ version: 1, deleted_at: null })
    await ok(DELETE_SO, { id: salesOrder.id, expectedVersion: 1 })
    expect(await ok(DELETE_JOB, { id: job.id, expectedVersion: 1 })).toEqual({ deletedId: job.id, version: 2 })
  })

  it('never lets a delete and a concurrent order create under the same job both succeed', async () => {
    for (let round = 0; round < 5; round++) {
      const { job } = await ok(CREATE_JOB, { name: `Race ${round}` })
      const [deleted, created] = await Promise.all([
        run(DELETE_JOB, { id: job.id, expectedVersion: 1 }),
        run(CREATE_SO, { jobId: job.id, currency: 'USD', lines: [{ description: 'x', quantity: '1', unitPrice: '1' }] }),
      ])
      // Either the order came first (the delete is CONFLICT) or the delete did (the job is NOT_FOUND).
      const outcome = [deleted.errors ? codeOf(deleted) : 'ok', created.errors ? codeOf(created) : 'ok']
      expect([['CONFLICT', 'ok'], ['ok', 'NOT_FOUND']]).toContainEqual(outcome)
    }
  })
})

describe('supplier and purchase order writes', () => {
  it('creates, updates and deletes suppliers; refuses a delete while a live purchase order names it', async () => {
    const invalid = await run(CREATE_SUPPLIER, { name: 'x'.repeat(201), email: 'nope' })
    expect(invalid.errors[0].extensions.fields.map((problem: any) => problem.field).sort()).toEqual(['input.email', 'input.name'])
    const { supplier } = await ok(CREATE_SUPPLIER, { name: 'Acme', email: 'sales@acme.test', phone: '+1 555 0100' })
    expect(supplier).toMatchObject({ name: 'Acme', email: 'sales@acme.test', version: 1 })
    const updated = (await ok(UPDATE_SUPPLIER, { id: supplier.id, expectedVersion: 1, phone: null, name: 'Acme Ltd' })).supplier
    expect(updated).toMatchObject({ name: 'Acme Ltd', phone: null, email: 'sales@acme.test', version: 2 })

    const { job } = await ok(CREATE_JOB, { name: 'Buys from Acme' })
    const { purchaseOrder } = await ok(CREATE_PO, {
      jobId: job.id, supplierId: supplier.id, currency: 'GBP',
      lines: [{ description: 'bolts', quantity: '100', unitCost: '0.125', taxRate: '0.2' }, { description: 'nuts', quantity: '3', unitCost: '1.10' }],
    })
    expect(purchaseOrder).toMatchObject({
      number: 1, status: 'DRAFT', version: 1, supplier: { id: supplier.id }, subtotal: '15.80', taxTotal: '2.50', total: '18.30',
    })
    expect(codeOf(await run(DELETE_SUPPLIER, { id: supplier.id, expectedVersion: 2 }))).toBe('CONFLICT')

    const patched = (await ok(UPDATE_PO, { id: purchaseOrder.id, expectedVersion: 1, status: 'ORDERED', removeLines: [1], addLines: [{ description: 'washers', quantity: '2', unitCost: '0.5' }] })).purchaseOrder
    expect(patched).toMatchObject({ status: 'ORDERED', version: 2, subtotal: '4.30', taxTotal: '0.00', total: '4.30' })
    expect(patched.lines.map((l: any) => [l.position, l.unitCost, l.amount])).toEqual([[1, '1.1000', '3.30'], [2, '0.5000', '1.00']])

    await ok(DELETE_PO, { id: purchaseOrder.id, expectedVersion: 2 })
    expect(await ok(DELETE_SUPPLIER, { id: supplier.id, expectedVersion: 2 })).toEqual({ deletedId: supplier.id, version: 3 })
    const again = await run(CREATE_PO, { jobId: job.id, supplierId: supplier.id, currency: 'GBP', lines: [] })
    expect([codeOf(again), fieldOf(again)]).toEqual(['NOT_FOUND', 'input.supplierId'])
  })
})
