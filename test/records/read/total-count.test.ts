import pg from 'pg'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBusiness } from '../../../src/access/businesses.js'
import { uniformMatrix } from '../../../src/access/permissions.js'
import type { DatabaseHandle } from '../../../src/db/database.js'
import { foldLiveCounts } from '../../../src/records/live-counts.js'
import { createTestDatabase } from '../../setup/database.js'
import { executeAs, passThroughAs } from '../../setup/in-process.js'

/**
 * `totalCount` of an unfiltered root list read at level ALL comes from the maintained live-row
 * counts (migrations …_live_row_counts.ts); every other count scans. Both must equal the rows
 * themselves after every kind of write, on both read paths (execution and the pass-through).
 */
let database: DatabaseHandle & { url?: string }
type Who = { businessId: string; principalId: string }
let ownerA: Who
let ownerB: Who
let mineA: Who

async function principal(businessId: string, roleId: string, email: string): Promise<Who> {
  const row = await database.db.insertInto('principals')
    .values({ business_id: businessId, kind: 'USER', name: email, email, role_id: roleId })
    .returning('id').executeTakeFirstOrThrow()
  return { businessId, principalId: row.id }
}

beforeAll(async () => {
  database = await createTestDatabase()
  const a = await createBusiness(database.db, { name: 'Count A' })
  const b = await createBusiness(database.db, { name: 'Count B' })
  ownerA = await principal(a.id, a.adminRoleId, 'all@a.test')
  ownerB = await principal(b.id, b.adminRoleId, 'all@b.test')
  const mine = uniformMatrix('NONE')
  mine.CONTACTS.INQUIRE = 'MINE'
  const role = await database.db.insertInto('security_roles')
    .values({ business_id: a.id, name: 'Mine', permissions: JSON.stringify(mine) }).returning('id').executeTakeFirstOrThrow()
  mineA = await principal(a.id, role.id, 'mine@a.test')
})
afterAll(() => database.close())

const ALL = '{ contacts(first: 2) { totalCount nodes { id } } }'
const SEARCHED = '{ contacts(first: 2, filter: { search: "Count" }) { totalCount } }'

/** totalCount on both read paths, which must agree. */
async function totalCount(who: Who, query: string): Promise<number> {
  const executed: any = await executeAs(database, who, query)
  expect(executed.errors).toBeUndefined()
  const passed = await passThroughAs(database, who, query)
  expect(passed.passed, 'the pass-through answered').not.toBeNull()
  expect(JSON.parse(passed.passed!.parts.join("")).contacts.totalCount).toBe(executed.data.contacts.totalCount)
  return executed.data.contacts.totalCount
}

async function liveRows(who: Who, extra = sql`true`): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from contacts where business_id = ${who.businessId} and deleted_at is null and ${extra}`.execute(database.db)
  return rows[0]!.n
}

async function expectCountsTrue() {
  for (const who of [ownerA, ownerB]) expect(await totalCount(who, ALL)).toBe(await liveRows(who))
  expect(await totalCount(mineA, ALL)).toBe(await liveRows(mineA, sql`owner_id = ${mineA.principalId}`))
}

const contact = (who: Who, i: number, owner: string | null = null) =>
  ({ business_id: who.businessId, type: 'CLIENT' as const, first_name: `P${i}`, last_name: 'Count', owner_id: owner })

describe('totalCount from the maintained live-row counts', () => {
  it('equals the live rows after inserts, soft deletes, restores, edits and hard deletes, in either business', async () => {
    await expectCountsTrue()
    // One statement writing to both businesses.
    await database.db.insertInto('contacts').values([
      ...Array.from({ length: 12 }, (_, i) => contact(ownerA, i, i % 3 === 0 ? mineA.principalId : null)),
      ...Array.from({ length: 5 }, (_, i) => contact(ownerB, 100 + i)),
    ]).execute()
    await expectCountsTrue()
    await database.db.updateTable('contacts').set({ deleted_at: new Date() }).where('first_name', 'in', ['P0', 'P1', 'P2', 'P100']).execute()
    await expectCountsTrue()
    // Deleting again what is deleted, and an edit, change nothing; a restore counts again.
    await database.db.updateTable('contacts').set({ deleted_at: new Date() }).where('first_name', 'in', ['P0', 'P1']).execute()
    await database.db.updateTable('contacts').set({ title: 'edited' }).where('business_id', '=', ownerA.businessId).execute()
    await database.db.updateTable('contacts').set({ deleted_at: null }).where('first_name', '=', 'P0').execute()
    await expectCountsTrue()
    // A hard delete of a live row and of a deleted one.
    await database.db.deleteFrom('contacts').where('first_name', 'in', ['P3', 'P1']).execute()
    await expectCountsTrue()
    expect(await totalCount(ownerA, ALL)).toBe(9)
  })

  it('is what an unfiltered ALL read counts, and only that', async () => {
    const before = { all: await totalCount(ownerA, ALL), searched: await totalCount(ownerA, SEARCHED), mine: await totalCount(mineA, ALL), other: await totalCount(ownerB, ALL) }
    // A delta no write made: only the reads that take the maintained count see it.
    await sql`insert into live_row_counts (business_id, table_name, delta) values (${ownerA.businessId}, 'contacts', 1000)`.execute(database.db)
    try {
      expect(await totalCount(ownerA, ALL)).toBe(before.all + 1000)
      expect(await totalCount(ownerA, SEARCHED)).toBe(before.searched)
      expect(await totalCount(mineA, ALL)).toBe(before.mine)
      expect(await totalCount(ownerB, ALL)).toBe(before.other)
    } finally {
      await sql`delete from live_row_counts where delta = 1000`.execute(database.db)
    }
    expect(await totalCount(ownerA, ALL)).toBe(before.all)
  })

  it('folds the deltas into one row per business and table without changing a count', async () => {
    for (let i = 0; i < 10; i++) await database.db.insertInto('contacts').values(contact(ownerA, 200 + i)).execute()
    const rows = async () => Number((await sql<{ n: number }>`select count(*)::int as n from live_row_counts where business_id = ${ownerA.businessId} and table_name = 'contacts'`.execute(database.db)).rows[0]!.n)
    expect(await rows()).toBeGreaterThan(10)
    const before = await totalCount(ownerA, ALL)
    expect(await foldLiveCounts(database.db)).toBeGreaterThan(10)
    expect(await rows()).toBe(1)
    expect(await totalCount(ownerA, ALL)).toBe(before)
    await expectCountsTrue()
  })

  it.runIf(process.env.DATABASE_URL)('lets two writers to one business commit without waiting for each other', async () => {
    const first = new pg.Client({ connectionString: database.url })
    const second = new pg.Client({ connectionString: database.url })
    await first.connect()
    await second.connect()
    try {
      const insert = `insert into contacts (business_id, type, first_name, last_name) values (${ownerA.businessId}, 'CLIENT', 'Concurrent', 'Count')`
      await first.query('begin')
      await first.query(insert)
      // The first holds its transaction open; the second must not queue behind it on a shared counter.
      await second.query("set statement_timeout = '2s'")
      await second.query(insert)
      await first.query('commit')
    } finally {
      await first.end()
      await second.end()
    }
    await expectCountsTrue()
  })
})
