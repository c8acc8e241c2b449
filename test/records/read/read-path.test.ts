import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import type { DatabaseHandle } from '../../../src/db/database.js'
import { insertUser, seededWithAdminReader } from '../../setup/factories.js'
import { type PermissionMatrix, uniformMatrix } from '../../../src/access/permissions.js'
import { executeAs } from '../../setup/in-process.js'
import { encodeGlobalId } from '../../../src/graphql/global-id.js'

let database: DatabaseHandle
let admin: { businessId: string; principalId: string }

beforeAll(async () => {
  ;({ database, admin } = await seededWithAdminReader(
    { businesses: 1, contactsPerBusiness: 40, jobsPerBusiness: 120, ordersPerJob: 3, linesPerOrder: 3, seed: 7 },
    'reader@read-path.test',
  ))
})
afterAll(() => database.close())

const NESTED_PAGE = /* GraphQL */ `
  query Page($first: Int!) {
    jobs(first: $first) {
      totalCount
      nodes {
        id number name
        client { id name company }
        salesOrders(first: 5) { totalCount nodes { number total lines { position quantity unitPrice amount } } }
        purchaseOrders(first: 5) { nodes { number total supplier { name } lines { position amount } } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`

describe('the read path', () => {
  it('answers a nested page in a number of statements that depends on the shape, not the page size', async () => {
    const ten = await executeAs(database, admin, NESTED_PAGE, { first: 10 })
    const fifty = await executeAs(database, admin, NESTED_PAGE, { first: 50 })
    expect(ten.errors).toBeUndefined()
    expect(fifty.errors).toBeUndefined()
    const jobs = (fifty.data as any).jobs
    expect(jobs.nodes).toHaveLength(50)
    expect(jobs.totalCount).toBe(120)
    const [{ lines }] = (await sql<{ lines: number }>`
      select count(*)::int as lines from sales_order_lines l join sales_orders o on o.id = l.sales_order_id
      where o.number = ${jobs.nodes[0].salesOrders.nodes[0].number}`.execute(database.db)).rows as any
    expect(jobs.nodes[0].salesOrders.nodes[0].lines.length).toBe(lines)
    expect(lines).toBeGreaterThan(0)
    expect(jobs.nodes[0].purchaseOrders.nodes[0].supplier.name).toEqual(expect.any(String))
    expect(fifty.statements).toBe(ten.statements)
    expect(fifty.statements).toBe(1)
  })

  it('pages forwards and backwards with keyset cursors that cover every row once', async () => {
    const seen: number[] = []
    let after: string | null = null
    for (;;) {
      const page: any = await executeAs(database, admin, `query($after: String) { jobs(first: 25, after: $after) { nodes { number } pageInfo { hasNextPage hasPreviousPage endCursor } } }`, { after })
      expect(page.errors).toBeUndefined()
      seen.push(...page.data.jobs.nodes.map((job: { number: number }) => job.number))
      if (!page.data.jobs.pageInfo.hasNextPage) break
      after = page.data.jobs.pageInfo.endCursor
    }
    expect(seen).toHaveLength(120)
    expect(new Set(seen).size).toBe(120)

    const last: any = await executeAs(database, admin, `{ jobs(last: 10) { nodes { number } pageInfo { hasPreviousPage startCursor } } }`)
    expect(last.data.jobs.nodes.map((job: any) => job.number)).toEqual(seen.slice(-10))
    const before: any = await executeAs(database, admin, `query($before: String) { jobs(last: 5, before: $before) { nodes { number } } }`, { before: last.data.jobs.pageInfo.startCursor })
    expect(before.data.jobs.nodes.map((job: any) => job.number)).toEqual(seen.slice(-15, -10))
  })

  it('refuses pages over 100 rows with BAD_USER_INPUT instead of clamping', async () => {
    const result = await executeAs(database, admin, `{ jobs(first: 101) { nodes { id } } }`)
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const nested = await executeAs(database, admin, `{ jobs(first: 1) { nodes { salesOrders(first: 500) { nodes { id } } } } }`)
    expect(nested.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(nested.errors?.[0]?.path).toEqual(['jobs', 'nodes', 0, 'salesOrders'])
  })

  it('answers the same through the fallback loader as through the one-statement path', async () => {
    // Selecting one relation twice under one name with different arguments defeats the prefetch.
    const fallback = await executeAs(database, admin, `{ jobs(first: 20) {
      nodes { number salesOrders(first: 2) { totalCount nodes { number total lines { amount } client { name } } } }
      edges { node { number salesOrders(first: 3) { totalCount nodes { number } } } } } }`)
    const direct = await executeAs(database, admin, `{ jobs(first: 20) {
      nodes { number salesOrders(first: 2) { totalCount nodes { number total lines { amount } client { name } } } } } }`)
    expect(fallback.errors).toBeUndefined()
    expect((fallback.data as any).jobs.nodes).toEqual((direct.data as any).jobs.nodes)
    expect(fallback.statements).toBeGreaterThan(direct.statements)
    expect(fallback.statements).toBeLessThanOrEqual(3)
  })

  it('looks records up by global id, through node and nodes too, in one statement each', async () => {
    const page: any = await executeAs(database, admin, `{ jobs(first: 2) { nodes { id number client { id } } } salesOrders(first: 1) { nodes { id number } } }`)
    const [job1, job2] = page.data.jobs.nodes
    const order = page.data.salesOrders.nodes[0]
    const lookup: any = await executeAs(database, admin, `query($id: ID!) { job(id: $id) { number client { id } } }`, { id: job1.id })
    expect(lookup.data.job).toEqual({ number: job1.number, client: job1.client })
    expect(lookup.statements).toBe(1)

    const nodes: any = await executeAs(database, admin, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Job { number } ... on SalesOrder { number } } }`,
      { ids: [job2.id, order.id, 'bm90LWFuLWlk'] })
    expect(nodes.data.nodes.slice(0, 2)).toEqual([
      { __typename: 'Job', id: job2.id, number: job2.number },
      { __typename: 'SalesOrder', id: order.id, number: order.number },
    ])
    expect(nodes.data.nodes[2]).toBeNull()
    expect(nodes.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    expect(nodes.errors?.[0]?.path).toEqual(['nodes', 2])

    const wrongType: any = await executeAs(database, admin, `query($id: ID!) { contact(id: $id) { id } }`, { id: job1.id })
    expect(wrongType.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
  })

  it("shows each record's owner with its team, orders their job's, in the same one statement", async () => {
    const db = database.db
    const team = await db.insertInto('teams').values({ business_id: admin.businessId, name: 'Installers' }).returning('id').executeTakeFirstOrThrow()
    await db.updateTable('principals').set({ team_id: team.id }).where('id', '=', admin.principalId).execute()
    const job = await db.selectFrom('jobs').select(['id', 'client_id']).where('business_id', '=', admin.businessId).orderBy('id').executeTakeFirstOrThrow()
    await db.updateTable('jobs').set({ owner_id: admin.principalId }).where('id', '=', job.id).execute()
    const result: any = await executeAs(database, admin, `query($id: ID!) { job(id: $id) {
      owner { id kind name team { id name } }
      client { owner { id name } }
      salesOrders(first: 2) { nodes { owner { id name } } }
      purchaseOrders(first: 2) { nodes { owner { id } } } } }`, { id: encodeGlobalId('Job', job.id) })
    expect(result.errors).toBeUndefined()
    const owner = { id: encodeGlobalId('User', admin.principalId), kind: 'USER', name: 'Reader', team: { id: encodeGlobalId('Team', team.id), name: 'Installers' } }
    expect(result.data.job.owner).toEqual(owner)
    for (const order of [...result.data.job.salesOrders.nodes, ...result.data.job.purchaseOrders.nodes]) expect(order.owner.id).toBe(owner.id)
    expect(result.data.job.salesOrders.nodes.length).toBeGreaterThan(0)
    const client = await db.selectFrom('contacts as c').leftJoin('principals as p', 'p.id', 'c.owner_id')
      .select(['c.owner_id', 'p.name']).where('c.id', '=', job.client_id!).executeTakeFirstOrThrow()
    expect(result.data.job.client.owner).toEqual(client.owner_id ? { id: encodeGlobalId('User', client.owner_id), name: client.name } : null)
    expect(result.statements).toBe(1)
  })

  it('keeps fallback loads of two fragment branches at one path apart', async () => {
    const page: any = await executeAs(database, admin, `{ salesOrders(first: 1) { nodes { id } } purchaseOrders(first: 1) { nodes { id } } }`)
    const ids = [page.data.salesOrders.nodes[0].id, page.data.purchaseOrders.nodes[0].id]
    // x under nodes and under edges asks different things: both go to the fallback loader.
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) {
      ... on SalesOrder { job { salesOrders(first: 2) { nodes { x: client { id } } edges { node { x: id } } } } }
      ... on PurchaseOrder { job { salesOrders(first: 2) { nodes { x: client { name } } edges { node { x: id } } } } } } }`
    const [forwards, backwards]: any[] = await Promise.all([
      executeAs(database, admin, query, { ids }),
      executeAs(database, admin, query, { ids: [...ids].reverse() }),
    ])
    expect(forwards.errors).toBeUndefined()
    expect(forwards.data.nodes).toEqual([...backwards.data.nodes].reverse())
    const names = forwards.data.nodes[1].job.salesOrders.nodes.map((order: any) => order.x.name)
    expect(names.length).toBeGreaterThan(0)
    for (const name of names) expect(name).not.toBe('')
  })

  it('filters by status and search, and keeps money exact', async () => {
    const wip: any = await executeAs(database, admin, `{ jobs(first: 100, filter: { status: [WIP] }) { totalCount nodes { status } } }`)
    expect(wip.data.jobs.nodes.every((job: any) => job.status === 'WIP')).toBe(true)
    const [{ count }] = (await sql<{ count: number }>`select count(*)::int as count from jobs where status = 'WIP'`.execute(database.db)).rows as any
    expect(wip.data.jobs.totalCount).toBe(count)

    const orders: any = await executeAs(database, admin, `{ salesOrders(first: 20) { nodes { subtotal taxTotal total lines { amount } } } }`)
    for (const order of orders.data.salesOrders.nodes) {
      expect(order.total).toMatch(/^\d+\.\d{2}$/)
      const cents = order.lines.reduce((sum: bigint, line: any) => sum + BigInt(line.amount.replace('.', '')), 0n)
      expect(BigInt(order.subtotal.replace('.', ''))).toBe(cents)
    }
  })

  it('does not look at a job\'s owner again for each of its orders when the job\'s level already covers the orders\' own', async () => {
    const db = database.db
    const team = await db.selectFrom('teams').select('id').where('business_id', '=', admin.businessId).orderBy('id').executeTakeFirstOrThrow()
    const callerWith = async (levels: Partial<Record<keyof PermissionMatrix, 'ALL' | 'MY' | 'MINE'>>, label: string) => {
      const matrix = uniformMatrix('NONE')
      for (const [module, level] of Object.entries(levels)) matrix[module as keyof PermissionMatrix].INQUIRE = level
      const role = await db.insertInto('security_roles').values({ business_id: admin.businessId, name: `Owner check ${label}`, permissions: JSON.stringify(matrix) })
        .returning('id').executeTakeFirstOrThrow()
      const principalId = await insertUser(db, { businessId: admin.businessId, name: label, email: `${label}@read-path.test`, roleId: role.id, teamId: team.id })
      return { businessId: admin.businessId, principalId }
    }
    const query = '{ jobs(first: 20) { nodes { number salesOrders(first: 5) { totalCount nodes { number } } } } }'
    // Owner checks of orders through their job: an exists subquery on jobs inside the orders' subqueries.
    const ownerChecks = (tree: string) => tree.split('"operator":"exists"').length - 1
    const same = await executeAs(database, await callerWith({ JOBS: 'MY', SALES_ORDERS: 'MY' }, 'my-my'), query)
    const narrower = await executeAs(database, await callerWith({ JOBS: 'MINE', SALES_ORDERS: 'MY' }, 'mine-my'), query)
    const wider = await executeAs(database, await callerWith({ JOBS: 'ALL', SALES_ORDERS: 'MY' }, 'all-my'), query)
    for (const result of [same, narrower, wider]) expect(result.errors).toBeUndefined()
    expect(ownerChecks(same.largestTree)).toBe(0)
    expect(ownerChecks(narrower.largestTree)).toBe(0)
    // Jobs of anyone, orders of the team only: each order's job owner must still be checked (page and count).
    expect(ownerChecks(wider.largestTree)).toBe(2)
    // Which orders come back under each role is the property test's to check (test/records/read/read-property.test.ts).
    const orders = (result: typeof same) => (result.data!.jobs as any).nodes.flatMap((job: any) => job.salesOrders.nodes.map((o: any) => o.number))
    expect(orders(same).length).toBeGreaterThan(0)
  })
})
