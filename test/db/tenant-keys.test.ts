import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../src/db/database.js'
import { createTestDatabase } from '../setup/database.js'

/**
 * Citus-ready: every tenant table's primary key and every unique index leads with business_id, so
 * the data can be distributed by business. The tables that are not tenant tables are named here,
 * each with its reason; a new table must be placed in one group or the other.
 */

const NOT_TENANT_TABLES: Record<string, string> = {
  businesses: 'the tenants themselves (their id is the distribution key)',
  login_emails: 'global lookup: a login email → its business and user',
  session_tokens: "global lookup: a session token's hash → its business and session",
  api_key_lookups: "global lookup: an API key's public id → its business and key",
  server_secrets: 'one row per deployment (the key pepper)',
  sign_in_throttles: 'sign-in failures per (email digest, client address), before any business is known',
  kysely_migration: "kysely's record of applied migrations",
  kysely_migration_lock: "kysely's migration lock",
}

let database: DatabaseHandle
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database?.close())

/** Every unique index (primary keys included) of the public schema, with its key columns in order. */
async function uniqueIndexes() {
  const { rows } = await sql<{ table: string; index: string; columns: string[] | string; expression: string | null }>`
    select t.relname as table, i.relname as index,
           array(select a.attname from unnest(x.indkey) with ordinality k(attnum, n)
                 left join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
                 order by k.n) as columns,
           pg_get_expr(x.indexprs, t.oid) as expression
    from pg_index x
    join pg_class t on t.oid = x.indrelid
    join pg_class i on i.oid = x.indexrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = 'public' and x.indisunique`.execute(database.db)
  // Drivers hand name[] back as an array or as its text form: read both.
  return rows.map((row) => ({
    ...row,
    columns: Array.isArray(row.columns) ? row.columns : String(row.columns).replace(/^\{|\}$/g, '').split(',').map((c) => (c === 'NULL' ? null : c)),
  }))
}

describe('tenant keys', () => {
  it('every tenant table has a primary key and every unique index leads with business_id', async () => {
    const { rows: tables } = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r'`.execute(database.db)
    const indexes = await uniqueIndexes()
    const tenantTables = tables.map((table) => table.name).filter((name) => !(name in NOT_TENANT_TABLES))
    expect(tenantTables.length).toBeGreaterThan(10)
    const offending = indexes
      .filter((index) => tenantTables.includes(index.table) && index.columns[0] !== 'business_id')
      .map((index) => `${index.table}.${index.index} (${index.columns.join(', ')})`)
    expect(offending).toEqual([])
    const withoutPrimaryKey = tenantTables.filter((table) => !indexes.some((index) => index.table === table && index.index.endsWith('_pkey')))
    expect(withoutPrimaryKey).toEqual([])
  })

  it('the global lookups are keyed by their value alone, and name the tables this test lists', async () => {
    const indexes = await uniqueIndexes()
    const primary = (table: string) => indexes.find((index) => index.table === table && index.index.endsWith('_pkey'))?.columns
    expect(primary('login_emails')).toEqual(['email'])
    expect(primary('session_tokens')).toEqual(['token_hash'])
    expect(primary('api_key_lookups')).toEqual(['public_key'])
    const { rows: tables } = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r'`.execute(database.db)
    // Every listed exception exists: the list cannot rot into excusing nothing.
    for (const name of Object.keys(NOT_TENANT_TABLES)) expect(tables.map((table) => table.name)).toContain(name)
  })
})
