import { parse } from 'graphql'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniformMatrix } from '../../../src/access/permissions.js'
import { encodeCursor } from '../../../src/records/read/pagination.js'
import { compileRead, readCacheStats } from '../../../src/records/read/statement-cache.js'
import { executeAs } from '../../setup/in-process.js'
import { type Caller, type ReadWorld, buildReadWorld, grant, principalOf } from '../../setup/read-world.js'
import { referenceAnswer } from '../../setup/reference-reader.js'
import { answerDifference } from './read-compare.js'

/**
 * The compiled-statement cache (src/records/read/statement-cache.ts) serves one statement per
 * shape; every value a request brings must reach it as a parameter. Each document below is sent
 * with two sets of values of one shape, by callers of both businesses: the answers must be the
 * reference reader's, the later sends must be cache hits, and (the suite runs with
 * GATEHOUSE_READ_CACHE_CHECK=1) each hit is compared with a fresh compile.
 */

let world: ReadWorld
beforeAll(async () => {
  world = await buildReadWorld()
}, 120_000)
afterAll(() => world?.database.close())

const MY = { ...uniformMatrix('MY') }

function recordsOf(type: string, businessId: string) {
  return world.records.filter((record) => record.type === type && record.businessId === businessId && !record.deleted)
}

/** A caller per business with a team (so MY has one to read through), the same kind. */
function teamCallers(): [Caller, Caller] {
  const inTeam = world.callers.filter((caller) => caller.label.startsWith('user-in-team'))
  return [inTeam[0]!, inTeam[1]!]
}

async function sendAndCompare(caller: Caller, text: string, variables: Record<string, unknown>) {
  await grant(world, caller, MY)
  const expected = await referenceAnswer(world.database.db, principalOf(caller, MY), parse(text), variables)
  const actual = await executeAs(world.database, caller, text, variables)
  expect(answerDifference(expected, actual), `${caller.label} ${JSON.stringify(variables)}`).toBeNull()
  return actual
}

/** Each document with two value sets of one shape: [business 0's values, business 1's values]. */
function cases(): Array<{ name: string; text: string; values: (businessId: string, pick: number) => Record<string, unknown> }> {
  const job = (businessId: string, pick: number) => recordsOf('Job', businessId)[pick * 3]!
  const cursorOf = (businessId: string, pick: number, order: 'id' | 'sync') => {
    const record = recordsOf('Contact', businessId)[2 + pick * 4]!
    return encodeCursor(order === 'sync' ? { order, id: record.id, updatedAt: record.updatedText } : { order, id: record.id })
  }
  return [
    {
      name: 'a lookup by id with nested relations',
      text: `query($id: ID!) { job(id: $id) { id number owner { id } client { id firstName } salesOrders(first: 2) { totalCount nodes { id lines { sku quantity } } } } }`,
      values: (businessId, pick) => ({ id: job(businessId, pick).globalId }),
    },
    {
      name: 'nodes by any number of ids',
      text: `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Job { number } } }`,
      values: (businessId, pick) => ({ ids: recordsOf('Job', businessId).slice(pick, pick + 1 + pick * 3).map((record) => record.globalId) }),
    },
    {
      name: 'a page after a cursor, with its total',
      text: `query($first: Int, $after: String) { contacts(first: $first, after: $after) { totalCount nodes { id } pageInfo { endCursor hasNextPage } } }`,
      // Page sizes are shape (a literal in the statement, for PostgreSQL's generic plans): the cursor varies.
      values: (businessId, pick) => ({ first: 3, after: cursorOf(businessId, pick, 'id') }),
    },
    {
      name: 'a page backwards before a cursor',
      text: `query($last: Int, $before: String) { contacts(last: $last, before: $before) { nodes { id } pageInfo { startCursor hasPreviousPage } } }`,
      values: (businessId, pick) => ({ last: 2, before: cursorOf(businessId, pick, 'id') }),
    },
    {
      name: 'a sync page after a sync cursor',
      text: `query($since: DateTime, $after: String) { contacts(first: 3, after: $after, filter: { updatedSince: $since }) { nodes { id updatedAt } } }`,
      values: (businessId, pick) => ({ since: world.records.map((r) => r.updatedIso).sort()[pick * 5], after: cursorOf(businessId, pick, 'sync') }),
    },
    {
      name: 'search and status filters',
      text: `query($search: String, $status: [JobStatus!]) { jobs(first: 5, filter: { search: $search, status: $status }) { totalCount nodes { id status } } }`,
      values: (_businessId, pick) => ({ search: world.searchTerms[pick * 7]!.slice(0, 3), status: pick === 0 ? ['WIP'] : ['WIP', 'PENDING', 'CLOSED'] }),
    },
    {
      name: 'one response name asking two things (the fallback loader)',
      text: `query { jobs(first: 3) { nodes { id o: salesOrders(first: 1) { nodes { id } } } edges { node { id o: salesOrders(first: 2) { nodes { id } } } } } }`,
      values: () => ({}),
    },
  ]
}

describe('the compiled-statement cache', () => {
  it.each(cases())('serves $name for other values and other businesses, answering as the reference does', async ({ text, values }) => {
    const [first, second] = teamCallers()
    await sendAndCompare(first, text, values(first.businessId, 0))
    const hitsBefore = readCacheStats.hits
    await sendAndCompare(second, text, values(second.businessId, 1))
    await sendAndCompare(first, text, values(first.businessId, 1))
    await sendAndCompare(second, text, values(second.businessId, 0))
    expect(readCacheStats.hits - hitsBefore).toBeGreaterThanOrEqual(3)
  })

  it('fails a request whose cached statement differs from a fresh compile (the check the suite runs under)', () => {
    compileRead('test:check', { business: '1' }, () => world.database.db.selectNoFrom(sql`1`.as('one')))
    expect(() => compileRead('test:check', { business: '1' }, () => world.database.db.selectNoFrom(sql`2`.as('two')))).toThrow(
      /differs from a fresh compile/,
    )
  })

  it('never keeps a statement that carries the caller or its business as a fixed value', () => {
    const businessId = world.businessIds[0]!
    const unbound = () => world.database.db.selectFrom('jobs').select('id').where('business_id', '=', businessId)
    const missesBefore = readCacheStats.misses
    compileRead('test:unbound', { business: businessId }, unbound)
    compileRead('test:unbound', { business: businessId }, unbound)
    expect(readCacheStats.misses - missesBefore).toBe(2)
    const bound = (values: { business: string }) => world.database.db.selectFrom('jobs').select('id').where('business_id', '=', values.business)
    compileRead('test:bound', { business: businessId }, bound)
    const compiled = compileRead('test:bound', { business: world.businessIds[1]! }, bound)
    expect(compiled.parameters).toEqual([world.businessIds[1]])
    // Nor one carrying one of the request's ids as a fixed value.
    const ids = ['17', '18']
    const fixedId = () => world.database.db.selectFrom('jobs').select('id').where('id', '=', ids[0]!)
    const missesThen = readCacheStats.misses
    compileRead('test:fixed-id', { ids }, fixedId)
    compileRead('test:fixed-id', { ids }, fixedId)
    expect(readCacheStats.misses - missesThen).toBe(2)
  })

  it('keeps no shape whose key is huge (a selection that compiles to little cannot fill the cache)', () => {
    const key = `test:huge|${'x'.repeat(50_000)}`
    const build = () => world.database.db.selectNoFrom(sql`1`.as('one'))
    const missesBefore = readCacheStats.misses
    compileRead(key, {}, build)
    compileRead(key, {}, build)
    expect(readCacheStats.misses - missesBefore).toBe(2)
  })
})
