import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBusiness } from '../../../src/access/businesses.js'
import type { DatabaseHandle } from '../../../src/db/database.js'
import { createTestDatabase } from '../../setup/database.js'
import { executeAs } from '../../setup/in-process.js'

let database: DatabaseHandle & { url?: string }
let reader: { businessId: string; principalId: string }

beforeAll(async () => {
  database = await createTestDatabase()
  const business = await createBusiness(database.db, { name: 'Sync Co' })
  const principal = await database.db.insertInto('principals')
    .values({ business_id: business.id, kind: 'USER', name: 'Sync', email: 'sync@sync.test', role_id: business.adminRoleId })
    .returning('id').executeTakeFirstOrThrow()
  reader = { businessId: business.id, principalId: principal.id }
  await database.db.insertInto('contacts')
    .values(Array.from({ length: 30 }, (_, i) => ({ business_id: business.id, type: 'CLIENT' as const, first_name: `C${i}`, last_name: 'Sync' })))
    .execute()
})
afterAll(() => database.close())

const SYNC = `query($since: DateTime!, $after: String) {
  contacts(first: 10, after: $after, filter: { updatedSince: $since }) {
    nodes { firstName updatedAt } pageInfo { hasNextPage endCursor } } }`

async function syncAll(since: string, after: string | null = null) {
  const names: string[] = []
  for (;;) {
    const page: any = await executeAs(database, reader, SYNC, { since, after })
    expect(page.errors).toBeUndefined()
    names.push(...page.data.contacts.nodes.map((contact: any) => contact.firstName))
    after = page.data.contacts.pageInfo.endCursor ?? after
    if (!page.data.contacts.pageInfo.hasNextPage) return { names, cursor: after }
  }
}

describe('incremental sync', () => {
  it('returns every changed row once, in (updatedAt, id) order, resuming from a cursor', async () => {
    const { names, cursor } = await syncAll('2000-01-01T00:00:00Z')
    expect(names).toHaveLength(30)
    // The same page with totalCount rides in the one statement and keeps its order.
    const counted: any = await executeAs(database, reader, `query($since: DateTime!) {
      contacts(first: 10, filter: { updatedSince: $since }) { totalCount nodes { firstName } } }`, { since: '2000-01-01T00:00:00Z' })
    expect(counted.data.contacts.totalCount).toBe(30)
    expect(counted.data.contacts.nodes.map((contact: any) => contact.firstName)).toEqual(names.slice(0, 10))
    await database.db.updateTable('contacts').set({ title: 'changed' }).where('first_name', 'in', ['C3', 'C17']).execute()
    const resumed = await syncAll('2000-01-01T00:00:00Z', cursor)
    expect(resumed.names.sort()).toEqual(['C17', 'C3'])
  })

  it.runIf(process.env.DATABASE_URL)('never skips a row a slower transaction commits after a page was read', async () => {
    const first = await syncAll('2000-01-01T00:00:00Z')
    // A slow writer: its transaction starts now, so its rows carry this start time as updated_at...
    const slow = new pg.Client({ connectionString: database.url })
    await slow.connect()
    try {
      await slow.query('begin')
      await slow.query(`update contacts set title = 'slow' where first_name = 'C5'`)
      // ...while a quicker writer commits a later change meanwhile.
      await database.db.updateTable('contacts').set({ title: 'quick' }).where('first_name', '=', 'C9').execute()
      const during = await syncAll('2000-01-01T00:00:00Z', first.cursor)
      // The page may not pass the slow transaction's start: the quick change waits too.
      expect(during.names).toEqual([])
      await slow.query('commit')
    } finally {
      await slow.end()
    }
    const after = await syncAll('2000-01-01T00:00:00Z', first.cursor)
    expect(after.names.sort()).toEqual(['C5', 'C9'])
  })
})
