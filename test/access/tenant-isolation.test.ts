import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBusinessWithAdmin } from '../../src/admin/bootstrap.js'
import { hashPassword } from '../../src/access/credentials/passwords.js'
import { uniformMatrix } from '../../src/access/permissions.js'
import { encodeGlobalId } from '../../src/graphql/global-id.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { loadIntoBusiness } from '../setup/factories.js'
import { type MemberWithKeys, createMemberWithKeys, createRoleSql, signIn, signInAsAdmin } from '../setup/clients.js'

/**
 * Two businesses on one server, each with an all-powerful API key: every root field, lookup,
 * node id and write of one, tried from the other, finds nothing and changes nothing.
 */

const ROOT_LISTS = ['jobs', 'salesOrders', 'purchaseOrders', 'contacts', 'suppliers'] as const
const LOOKUPS: Record<string, { field: string; type: string; table: 'jobs' | 'sales_orders' | 'purchase_orders' | 'contacts' | 'suppliers' }> = {
  jobs: { field: 'job', type: 'Job', table: 'jobs' },
  salesOrders: { field: 'salesOrder', type: 'SalesOrder', table: 'sales_orders' },
  purchaseOrders: { field: 'purchaseOrder', type: 'PurchaseOrder', table: 'purchase_orders' },
  contacts: { field: 'contact', type: 'Contact', table: 'contacts' },
  suppliers: { field: 'supplier', type: 'Supplier', table: 'suppliers' },
}

let server: TestServer
type Tenant = { businessId: string; member: MemberWithKeys; headers: Record<string, string> }
const tenants: Tenant[] = []

beforeAll(async () => {
  server = await startTestServer()
  const db = server.app.services.database.db
  const home = await signInAsAdmin(server)
  const away = await db.transaction().execute(async (trx) =>
    createBusinessWithAdmin(trx, { businessName: 'Away Co', email: 'admin@away.test', passwordHash: await hashPassword('away password 123'), via: 'cli' }))
  const awayAdmin = await signIn(server, 'admin@away.test', 'away password 123')
  for (const [admin, seed] of [[home, 1], [awayAdmin, 2]] as const) {
    await loadIntoBusiness(db, admin, {
      seed, sizes: { salesReps: 3, contacts: 12, suppliers: 4, jobs: 10, salesOrdersPerJob: 2, purchaseOrdersPerJob: 1, linesPerOrder: 2 },
    })
    const roleId = await createRoleSql(server, admin.businessId, uniformMatrix('ALL'))
    const member = await createMemberWithKeys(server, admin, { roleId })
    tenants.push({ businessId: admin.businessId, member, headers: { authorization: `Bearer ${member.primary.key}` } })
  }
  expect(away.businessId).toBe(tenants[1]!.businessId)
})
afterAll(() => server?.close())

async function idsOf(table: string, businessId: string): Promise<string[]> {
  const rows = await server.app.services.database.db.selectFrom(table as 'jobs').select('id').where('business_id', '=', businessId).execute()
  return rows.map((row) => row.id)
}

describe('tenant isolation', () => {
  it('root lists show only the caller\'s business', async () => {
    const [home, away] = tenants as [Tenant, Tenant]
    for (const [mine, theirs] of [[home, away], [away, home]] as const) {
      for (const list of ROOT_LISTS) {
        const { status, body } = await server.graphql(`{ ${list}(first: 100) { totalCount nodes { id } } }`, { headers: mine.headers })
        expect(status).toBe(200)
        const expected = (await idsOf(LOOKUPS[list]!.table, mine.businessId)).map((id) => encodeGlobalId(LOOKUPS[list]!.type, id))
        const foreign = (await idsOf(LOOKUPS[list]!.table, theirs.businessId)).map((id) => encodeGlobalId(LOOKUPS[list]!.type, id))
        const seen = body.data[list].nodes.map((node: { id: string }) => node.id)
        expect(seen.sort()).toEqual(expected.sort())
        expect(seen.filter((id: string) => foreign.includes(id))).toEqual([])
        expect(body.data[list].totalCount).toBe(expected.length)
      }
    }
  })

  it('every lookup, node and nodes of the other business is NOT_FOUND, exactly like an id that never existed', async () => {
    const [home, away] = tenants as [Tenant, Tenant]
    for (const { field, type, table } of Object.values(LOOKUPS)) {
      const foreignIds = (await idsOf(table, away.businessId)).map((id) => encodeGlobalId(type, id))
      for (const id of [...foreignIds.slice(0, 3), encodeGlobalId(type, '999999999')]) {
        const { body } = await server.graphql(`query($id: ID!) { one: ${field}(id: $id) { id } node(id: $id) { id } }`, {
          variables: { id }, headers: home.headers,
        })
        expect(body.data).toEqual({ one: null, node: null })
        expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND', 'NOT_FOUND'])
        expect(body.errors?.map((error) => error.message).sort()).toEqual([`No such ${type}.`, 'No such node.'].sort())
      }
      const { body } = await server.graphql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { variables: { ids: foreignIds }, headers: home.headers })
      expect(body.data.nodes.every((node: unknown) => node === null)).toBe(true)
      expect(new Set(body.errors?.map((error) => error.extensions?.code))).toEqual(new Set(['NOT_FOUND']))
    }
  })

  it('writes aimed at the other business are NOT_FOUND and change nothing', async () => {
    const [home, away] = tenants as [Tenant, Tenant]
    const db = server.app.services.database.db
    const [contactId] = await idsOf('contacts', away.businessId)
    const before = await db.selectFrom('contacts').select(['version', 'company']).where('id', '=', contactId!).executeTakeFirstOrThrow()
    const globalId = encodeGlobalId('Contact', contactId!)
    const update = await server.graphql(`mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { id } } }`, {
      variables: { input: { id: globalId, expectedVersion: before.version, company: 'Hijacked' } }, headers: home.headers,
    })
    expect(update.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    const remove = await server.graphql(`mutation($input: DeleteContactInput!) { deleteContact(input: $input) { deletedId } }`, {
      variables: { input: { id: globalId, expectedVersion: before.version } }, headers: home.headers,
    })
    expect(remove.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    const after = await db.selectFrom('contacts').select(['version', 'company', 'deleted_at']).where('id', '=', contactId!).executeTakeFirstOrThrow()
    expect(after).toEqual({ ...before, deleted_at: null })
  })

  it('the business comes from the credential: viewer names the caller\'s own', async () => {
    for (const tenant of tenants) {
      const { body } = await server.graphql('{ viewer { business { id slug } } }', { headers: tenant.headers })
      expect(body.errors).toBeUndefined()
      expect(body.data.viewer.business.id).toBe(encodeGlobalId('Business', tenant.businessId))
    }
  })
})
