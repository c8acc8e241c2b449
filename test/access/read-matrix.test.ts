import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBusiness } from '../../src/access/businesses.js'
import { LEVELS, type Level, MODULES, type Module, uniformMatrix } from '../../src/access/permissions.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import { encodeGlobalId } from '../../src/graphql/global-id.js'
import { createTestDatabase } from '../setup/database.js'
import { executeAs } from '../setup/in-process.js'

/**
 * The INQUIRE column of the authorization matrix, generated from the permission catalogue: every
 * module × level, against records owned by the caller, a teammate, someone in another team, and
 * another business, through root lists, nested lists, lookups, node and nodes.
 */

type Owner = 'mine' | 'teammate' | 'other' | 'foreign'
const VISIBLE: Record<Level, Owner[]> = { ALL: ['mine', 'teammate', 'other'], MY: ['mine', 'teammate'], MINE: ['mine'], NONE: [] }

/** How each module is read: its root list, its lookup, and the nested lists (or object) that reach it. */
const READS: Record<Module, { type: string; list: string; lookup: string; nested: Array<{ parentList: string; field: string; one?: boolean }> }> = {
  JOBS: { type: 'Job', list: 'jobs', lookup: 'job', nested: [{ parentList: 'contacts', field: 'jobs' }, { parentList: 'salesOrders', field: 'job', one: true }] },
  SALES_ORDERS: { type: 'SalesOrder', list: 'salesOrders', lookup: 'salesOrder', nested: [{ parentList: 'jobs', field: 'salesOrders' }, { parentList: 'contacts', field: 'salesOrders' }] },
  PURCHASE_ORDERS: { type: 'PurchaseOrder', list: 'purchaseOrders', lookup: 'purchaseOrder', nested: [{ parentList: 'jobs', field: 'purchaseOrders' }, { parentList: 'suppliers', field: 'purchaseOrders' }] },
  CONTACTS: { type: 'Contact', list: 'contacts', lookup: 'contact', nested: [{ parentList: 'jobs', field: 'client', one: true }, { parentList: 'salesOrders', field: 'client', one: true }] },
}

let database: DatabaseHandle
let caller: { businessId: string; principalId: string }
let callerRoleId: string
/** Global id → whose record it is. */
const ownerOf = new Map<string, Owner>()
const idsByModule: Record<Module, string[]> = { JOBS: [], SALES_ORDERS: [], PURCHASE_ORDERS: [], CONTACTS: [] }

beforeAll(async () => {
  database = await createTestDatabase()
  const db = database.db
  const home = await createBusiness(db, { name: 'Home' })
  const away = await createBusiness(db, { name: 'Away' })
  const role = await db.insertInto('security_roles')
    .values({ business_id: home.id, name: 'Matrix', permissions: JSON.stringify(uniformMatrix('ALL')) })
    .returning('id').executeTakeFirstOrThrow()
  callerRoleId = role.id
  const team = async (businessId: string, name: string) =>
    (await db.insertInto('teams').values({ business_id: businessId, name }).returning('id').executeTakeFirstOrThrow()).id
  const [red, blue, awayTeam] = [await team(home.id, 'Red'), await team(home.id, 'Blue'), await team(away.id, 'Red')]
  const person = async (businessId: string, roleId: string, teamId: string, name: string) =>
    (await db.insertInto('principals')
      .values({ business_id: businessId, kind: 'USER', name, email: `${name}@matrix.test`, role_id: roleId, team_id: teamId })
      .returning('id').executeTakeFirstOrThrow()).id
  const owners: Record<Owner, { businessId: string; principalId: string }> = {
    mine: { businessId: home.id, principalId: await person(home.id, role.id, red, 'caller') },
    teammate: { businessId: home.id, principalId: await person(home.id, home.adminRoleId, red, 'teammate') },
    other: { businessId: home.id, principalId: await person(home.id, home.adminRoleId, blue, 'other') },
    foreign: { businessId: away.id, principalId: await person(away.id, away.adminRoleId, awayTeam, 'foreign') },
  }
  caller = owners.mine
  let number = 0
  for (const [owner, { businessId, principalId }] of Object.entries(owners) as [Owner, typeof caller][]) {
    const contact = await db.insertInto('contacts')
      .values({ business_id: businessId, type: 'CLIENT', first_name: owner, owner_id: principalId })
      .returning('id').executeTakeFirstOrThrow()
    const supplier = await db.insertInto('suppliers').values({ business_id: businessId, name: `${owner} supplies` })
      .returning('id').executeTakeFirstOrThrow()
    const job = await db.insertInto('jobs')
      .values({ business_id: businessId, number: ++number, name: owner, status: 'WIP', client_id: contact.id, owner_id: principalId })
      .returning('id').executeTakeFirstOrThrow()
    const order = await db.insertInto('sales_orders')
      .values({ business_id: businessId, number, job_id: job.id, client_id: contact.id, status: 'OPEN', currency: 'USD' })
      .returning('id').executeTakeFirstOrThrow()
    const purchase = await db.insertInto('purchase_orders')
      .values({ business_id: businessId, number, job_id: job.id, supplier_id: supplier.id, status: 'ORDERED', currency: 'USD' })
      .returning('id').executeTakeFirstOrThrow()
    for (const [module, id] of [['CONTACTS', contact.id], ['JOBS', job.id], ['SALES_ORDERS', order.id], ['PURCHASE_ORDERS', purchase.id]] as [Module, string][]) {
      const globalId = encodeGlobalId(READS[module].type, id)
      ownerOf.set(globalId, owner)
      idsByModule[module].push(globalId)
    }
  }
})
afterAll(() => database.close())

async function grantInquire(module: Module, level: Level) {
  const matrix = uniformMatrix('ALL')
  matrix[module].INQUIRE = level
  await database.db.updateTable('security_roles').set({ permissions: JSON.stringify(matrix) }).where('id', '=', callerRoleId).execute()
}

const owners = (ids: string[]) => ids.map((id) => ownerOf.get(id) ?? `unknown ${id}`).sort()
const codes = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  (result.errors ?? []).map((error) => error.extensions?.code)

describe.each(MODULES.flatMap((module) => LEVELS.map((level) => [module, level] as const)))('INQUIRE %s at %s', (module, level) => {
  const read = READS[module]
  const expected = [...VISIBLE[level]].sort()

  beforeAll(() => grantInquire(module, level))

  it('root list and its totalCount', async () => {
    // A list of another module rides along: a refusal nulls only the refused field.
    const other = MODULES.find((candidate) => candidate !== module)!
    const result: any = await executeAs(database, caller,
      `{ list: ${read.list}(first: 100) { totalCount nodes { id } } other: ${READS[other].list}(first: 100) { nodes { id } } }`)
    expect(result.data.other.nodes.length).toBe(VISIBLE.ALL.length)
    if (level === 'NONE') {
      expect(codes(result)).toEqual(['FORBIDDEN'])
      expect(result.errors[0].path).toEqual(['list'])
      expect(result.data.list).toBeNull()
      return
    }
    expect(result.errors).toBeUndefined()
    expect(owners(result.data.list.nodes.map((node: any) => node.id))).toEqual(expected)
    expect(result.data.list.totalCount).toBe(expected.length)
  })

  it('nested lists and objects', async () => {
    for (const nested of read.nested) {
      const selection = nested.one ? `${nested.field} { id }` : `${nested.field}(first: 100) { totalCount nodes { id } }`
      const result: any = await executeAs(database, caller, `{ parents: ${nested.parentList}(first: 100) { nodes { ${selection} } } }`)
      if (level === 'NONE' && nested.parentList === 'suppliers') {
        // Suppliers belong to PURCHASE_ORDERS themselves: the parent list is refused already.
        expect(codes(result)).toEqual(['FORBIDDEN'])
        continue
      }
      const parents = result.data.parents.nodes
      if (level === 'NONE') {
        expect(codes(result).length).toBe(parents.length)
        expect(new Set(codes(result))).toEqual(new Set(['FORBIDDEN']))
        expect(parents.every((parent: any) => parent[nested.field] === null)).toBe(true)
        continue
      }
      expect(result.errors).toBeUndefined()
      const found = parents.flatMap((parent: any) =>
        nested.one ? (parent[nested.field] ? [parent[nested.field].id] : []) : parent[nested.field].nodes.map((node: any) => node.id))
      expect(owners(found)).toEqual(expected)
    }
  })

  it('lookups, node and nodes: out of scope or another business is NOT_FOUND', async () => {
    for (const id of idsByModule[module]) {
      const visible = expected.includes(ownerOf.get(id)!)
      const lookup: any = await executeAs(database, caller, `query($id: ID!) { one: ${read.lookup}(id: $id) { id } node(id: $id) { id } }`, { id })
      if (level === 'NONE') {
        expect(codes(lookup)).toEqual(['FORBIDDEN', 'FORBIDDEN'])
      } else if (visible) {
        expect(lookup.errors).toBeUndefined()
        expect(lookup.data).toEqual({ one: { id }, node: { id } })
      } else {
        expect(codes(lookup)).toEqual(['NOT_FOUND', 'NOT_FOUND'])
        expect(lookup.data).toEqual({ one: null, node: null })
      }
    }
    const nodes: any = await executeAs(database, caller, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: idsByModule[module] })
    const returned = nodes.data.nodes.filter(Boolean).map((node: any) => node.id)
    expect(owners(returned)).toEqual(expected)
  })
})
