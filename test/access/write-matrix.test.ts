import { jobsResource } from '../../src/orders/jobs/jobs.resource.js'
import { purchaseOrdersResource } from '../../src/orders/purchase-orders/purchase-orders.resource.js'
import { salesOrdersResource } from '../../src/orders/sales-orders/sales-orders.resource.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBusiness } from '../../src/access/businesses.js'
import { LEVELS, type Level, MODULES, type Module, type Operation, uniformMatrix } from '../../src/access/permissions.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import { decodeGlobalId, encodeGlobalId } from '../../src/graphql/global-id.js'
import { nextNumber } from '../../src/records/write/numbers.js'
import { createTestDatabase } from '../setup/database.js'
import { executeAs } from '../setup/in-process.js'

/**
 * The ADD / EDIT / DELETE columns of the authorization matrix, generated from the permission
 * catalogue: for every module × level, records owned by the caller, a teammate, someone in another
 * team and another business. EDIT and DELETE reach exactly the records the level covers (the rest
 * are NOT_FOUND, NONE is FORBIDDEN) and a refusal leaves the row's version as it was. ADD may give
 * a record only an owner the level covers (MINE: itself, MY: its team, ALL: anyone; others
 * FORBIDDEN, another business's principal NOT_FOUND); an order takes its job's owner, so for
 * orders the job must be one the level covers (else NOT_FOUND, like any reference it may not use).
 * Suppliers (PURCHASE_ORDERS, no owner) are any level's but NONE, and never another business's.
 * One database; the caller's role is updated in place between cases.
 */

type Owner = 'mine' | 'teammate' | 'other' | 'foreign'
const OWNERS: Owner[] = ['mine', 'teammate', 'other', 'foreign']
const COVERED: Record<Level, Owner[]> = { ALL: ['mine', 'teammate', 'other'], MY: ['mine', 'teammate'], MINE: ['mine'], NONE: [] }
type Table = 'contacts' | 'jobs' | 'sales_orders' | 'purchase_orders' | 'suppliers'

/** How each module is written: its table, type, mutations and an input for each. */
const WRITES: Record<Module, { table: Table; type: string; name: string; edit: Record<string, unknown>; create: (owner: Owner) => Record<string, unknown> }> = {
  CONTACTS: { table: 'contacts', type: 'Contact', name: 'Contact', edit: { company: 'Edited' }, create: (owner) => ({ type: 'CLIENT', firstName: 'New', lastName: owner, ownerId: ownerGlobalId(owner) }) },
  JOBS: { table: 'jobs', type: 'Job', name: 'Job', edit: { name: 'Edited' }, create: (owner) => ({ name: `New ${owner}`, ownerId: ownerGlobalId(owner) }) },
  SALES_ORDERS: { table: 'sales_orders', type: 'SalesOrder', name: 'SalesOrder', edit: { status: 'INVOICED' }, create: (owner) => ({ jobId: fixtures[owner].job, currency: 'USD', lines: [] }) },
  PURCHASE_ORDERS: {
    table: 'purchase_orders', type: 'PurchaseOrder', name: 'PurchaseOrder', edit: { status: 'RECEIVED' },
    create: (owner) => ({ jobId: fixtures[owner].job, supplierId: fixtures.mine.supplier, currency: 'USD', lines: [] }),
  },
}

let database: DatabaseHandle
let callerRoleId: string
const people = {} as Record<Owner, { businessId: string; principalId: string }>
/** Per owner: a base job (orders go under it) and a supplier of the owner's business. */
const fixtures = {} as Record<Owner, { job: string; supplier: string }>
const ownerGlobalId = (owner: Owner) => encodeGlobalId('User', people[owner].principalId)

beforeAll(async () => {
  database = await createTestDatabase()
  const db = database.db
  const home = await createBusiness(db, { name: 'Write Home' })
  const away = await createBusiness(db, { name: 'Write Away' })
  callerRoleId = (await db.insertInto('security_roles')
    .values({ business_id: home.id, name: 'Matrix', permissions: JSON.stringify(uniformMatrix('ALL')) }).returning('id').executeTakeFirstOrThrow()).id
  const team = async (businessId: string, name: string) =>
    (await db.insertInto('teams').values({ business_id: businessId, name }).returning('id').executeTakeFirstOrThrow()).id
  const [red, blue, awayTeam] = [await team(home.id, 'Red'), await team(home.id, 'Blue'), await team(away.id, 'Red')]
  const person = async (businessId: string, roleId: string, teamId: string, name: string) => ({
    businessId,
    principalId: (await db.insertInto('principals')
      .values({ business_id: businessId, kind: 'USER', name, email: `${name}@write-matrix.test`, role_id: roleId, team_id: teamId })
      .returning('id').executeTakeFirstOrThrow()).id,
  })
  Object.assign(people, {
    mine: await person(home.id, callerRoleId, red, 'caller'),
    teammate: await person(home.id, home.adminRoleId, red, 'teammate'),
    other: await person(home.id, home.adminRoleId, blue, 'other'),
    foreign: await person(away.id, away.adminRoleId, awayTeam, 'foreign'),
  })
  for (const owner of OWNERS) {
    const { job } = await insertRecords('JOBS', owner)
    const supplier = await db.insertInto('suppliers').values({ business_id: people[owner].businessId, name: `${owner} supplies` }).returning('id').executeTakeFirstOrThrow()
    fixtures[owner] = { job: encodeGlobalId('Job', job), supplier: encodeGlobalId('Supplier', supplier.id) }
  }
})
afterAll(() => database.close())

/** A fresh record of the module owned by `owner` (orders under the owner's base job), at version 1; numbers from the real counter. */
async function insertRecords(module: Module, owner: Owner): Promise<{ job: string; id: string }> {
  const db = database.db
  const { businessId, principalId } = people[owner]
  const insert = async (table: Table, values: Record<string, unknown>) =>
    (await (db as any).insertInto(table).values({ business_id: businessId, ...values }).returning('id').executeTakeFirstOrThrow()).id as string
  if (module === 'CONTACTS') return { job: '', id: await insert('contacts', { type: 'CLIENT', first_name: owner, owner_id: principalId }) }
  if (module === 'JOBS') {
    const id = await insert('jobs', { number: await nextNumber(db, businessId, jobsResource), name: owner, status: 'WIP', owner_id: principalId })
    return { job: id, id }
  }
  const job = decodeGlobalId(fixtures[owner].job).id
  if (module === 'SALES_ORDERS') return { job, id: await insert('sales_orders', { number: await nextNumber(db, businessId, salesOrdersResource), job_id: job, status: 'OPEN', currency: 'USD' }) }
  const supplier = decodeGlobalId(fixtures[owner].supplier).id
  return { job, id: await insert('purchase_orders', { number: await nextNumber(db, businessId, purchaseOrdersResource), job_id: job, supplier_id: supplier, status: 'ORDERED', currency: 'USD' }) }
}

async function grant(module: Module, operation: Operation, level: Level) {
  const matrix = uniformMatrix('ALL')
  matrix[module][operation] = level
  await database.db.updateTable('security_roles').set({ permissions: JSON.stringify(matrix) }).where('id', '=', callerRoleId).execute()
}

const run = (query: string, input: Record<string, unknown>) => executeAs(database, people.mine, query, { input }) as Promise<any>
const codeOf = (result: any) => (result.errors ? result.errors[0].extensions?.code : 'ok')
const stateOf = (table: Table, id: string) =>
  (database.db as any).selectFrom(table).select(['version', 'deleted_at']).where('id', '=', id).executeTakeFirstOrThrow() as Promise<{ version: number; deleted_at: Date | null }>
const countOf = async (table: Table) => Number((await (database.db as any).selectFrom(table).select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

/** Edits or deletes `id` (a row of `table`) and checks the answer and the row against `allowed`. */
async function expectWrite(operation: 'EDIT' | 'DELETE', name: string, table: Table, id: string, input: Record<string, unknown>, expected: string) {
  const globalId = encodeGlobalId(name, id)
  const mutation = operation === 'EDIT'
    ? `mutation($input: Update${name}Input!) { update${name}(input: $input) { __typename } }`
    : `mutation($input: Delete${name}Input!) { delete${name}(input: $input) { version } }`
  const result = await run(mutation, { id: globalId, expectedVersion: 1, ...(operation === 'EDIT' ? input : {}) })
  expect(codeOf(result), `${operation} ${name} ${id}`).toBe(expected)
  const state = await stateOf(table, id)
  if (expected !== 'ok') expect(state).toEqual({ version: 1, deleted_at: null })
  else expect([state.version, state.deleted_at !== null]).toEqual([2, operation === 'DELETE'])
}

describe.each(MODULES.flatMap((module) => LEVELS.map((level) => [module, level] as const)))('%s at %s', (module, level) => {
  const write = WRITES[module]
  const expectedFor = (owner: Owner, refused: string) => (level === 'NONE' ? 'FORBIDDEN' : COVERED[level].includes(owner) ? 'ok' : refused)

  for (const operation of ['EDIT', 'DELETE'] as const) {
    it(`${operation} reaches the records the level covers`, async () => {
      await grant(module, operation, level)
      for (const owner of OWNERS) {
        const { id } = await insertRecords(module, owner)
        await expectWrite(operation, write.name, write.table, id, write.edit, expectedFor(owner, 'NOT_FOUND'))
      }
      if (module !== 'PURCHASE_ORDERS') return
      for (const owner of ['mine', 'foreign'] as const) {
        const supplier = await database.db.insertInto('suppliers').values({ business_id: people[owner].businessId, name: 'fresh' }).returning('id').executeTakeFirstOrThrow()
        const expected = level === 'NONE' ? 'FORBIDDEN' : owner === 'foreign' ? 'NOT_FOUND' : 'ok'
        await expectWrite(operation, 'Supplier', 'suppliers', supplier.id, { phone: '555' }, expected)
      }
    })
  }

  it('ADD gives a record only an owner the level covers', async () => {
    await grant(module, 'ADD', level)
    const ordersTakeJobOwner = module === 'SALES_ORDERS' || module === 'PURCHASE_ORDERS'
    for (const owner of OWNERS) {
      const before = await countOf(write.table)
      const result = await run(`mutation($input: Create${write.name}Input!) { create${write.name}(input: $input) { __typename } }`, write.create(owner))
      const refused = ordersTakeJobOwner || owner === 'foreign' ? 'NOT_FOUND' : 'FORBIDDEN'
      const expected = expectedFor(owner, refused)
      expect(codeOf(result), `create owned by ${owner}`).toBe(expected)
      if (expected !== 'ok') {
        expect(await countOf(write.table)).toBe(before)
        continue
      }
      // The new record is owned by the requested owner (an order: by its job's owner).
      const row = await (database.db as any).selectFrom(write.table).selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
      const ownerId = ordersTakeJobOwner
        ? (await database.db.selectFrom('jobs').select('owner_id').where('id', '=', row.job_id).executeTakeFirstOrThrow()).owner_id
        : row.owner_id
      expect(ownerId).toBe(people[owner].principalId)
    }
    if (!ordersTakeJobOwner && level !== 'NONE') {
      const { ownerId: _, ...unowned } = write.create('mine')
      expect(codeOf(await run(`mutation($input: Create${write.name}Input!) { create${write.name}(input: $input) { __typename } }`, unowned))).toBe('ok')
      const row = await (database.db as any).selectFrom(write.table).select('owner_id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()
      expect(row.owner_id).toBe(people.mine.principalId)
    }
    if (module === 'PURCHASE_ORDERS') {
      const result = await run(`mutation($input: CreateSupplierInput!) { createSupplier(input: $input) { __typename } }`, { name: `By ${level}` })
      expect(codeOf(result)).toBe(level === 'NONE' ? 'FORBIDDEN' : 'ok')
    }
  })
})
