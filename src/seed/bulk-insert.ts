import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { Database } from '../db/types.js'

/** PostgreSQL element types a column's values are sent as (one array parameter per column). */
export type ArrayType = 'int8' | 'int4' | 'text' | 'numeric' | 'date' | 'jsonb' | 'bool'

/** Rows per statement for insertRows: big enough to amortise a round trip, small enough for memory. */
const ROWS_PER_STATEMENT = 5_000

/**
 * `unnest($1::t1[], $2::t2[], …) as alias(c1, c2, …)`: rows as a table, sent as one array
 * parameter per column whatever the row count. No 65,535-parameter ceiling, one short statement
 * to parse, and it works on PostgreSQL 15 and PGlite alike. Each array is sent as its text literal,
 * formatted here and now rather than by the driver when the statement is sent, so a batch can be
 * made ready while the previous one is still running.
 */
export function unnestRows<C extends string>(
  alias: string,
  columns: Readonly<Record<C, ArrayType>>,
  rows: readonly Readonly<Record<C, unknown>>[],
): RawBuilder<unknown> {
  const names = Object.keys(columns) as C[]
  const arrays = names.map((name) => {
    const values = new Array<unknown>(rows.length)
    for (let i = 0; i < rows.length; i++) values[i] = rows[i]![name]
    return sql`${arrayLiteral(values)}::${sql.raw(columns[name])}[]`
  })
  return sql`unnest(${sql.join(arrays)}) as ${sql.id(alias)}(${sql.join(names.map((name) => sql.id(name)))})`
}

/** A PostgreSQL array literal, '{1,NULL,"text"}'; strings are always quoted, so any text is safe. */
export function arrayLiteral(values: readonly unknown[]): string {
  const parts = new Array<string>(values.length)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (value === null || value === undefined) parts[i] = 'NULL'
    else if (typeof value === 'number' || typeof value === 'bigint') parts[i] = String(value)
    else if (typeof value === 'boolean') parts[i] = value ? 't' : 'f'
    else {
      const text = String(value)
      parts[i] = `"${ESCAPED.test(text) ? text.replace(ESCAPED_ALL, '\\$&') : text}"`
    }
  }
  return `{${parts.join(',')}}`
}
const ESCAPED = /[\\"]/
const ESCAPED_ALL = /[\\"]/g

/** Inserts rows into the same-named columns, in chunks of unnest statements; returns how many. */
export async function insertRows<C extends string>(
  db: Kysely<Database>,
  table: keyof Database,
  columns: Readonly<Record<C, ArrayType>>,
  rows: readonly Readonly<Record<C, unknown>>[],
): Promise<number> {
  const names = sql.join((Object.keys(columns) as C[]).map((name) => sql.id(name)))
  for (let from = 0; from < rows.length; from += ROWS_PER_STATEMENT) {
    const chunk = unnestRows('row', columns, rows.slice(from, from + ROWS_PER_STATEMENT))
    await sql`insert into ${sql.table(table)} (${names}) select * from ${chunk}`.execute(db)
  }
  return rows.length
}

/**
 * Takes `count` ids from a table's identity sequence. Rows inserted with these explicit ids can be
 * referenced by their children before the insert, and concurrent writers keep drawing fresh ids.
 */
export async function reserveIds(db: Kysely<Database>, table: keyof Database, count: number): Promise<string[]> {
  if (count === 0) return []
  const sequence = await sequenceOf(db, table)
  // The sequence name as a literal is resolved once when the statement is parsed, not per row.
  const { rows } = await sql<{ id: string }>`
    select nextval(${sql.lit(sequence)}::regclass) as id from generate_series(1, ${count})`.execute(db)
  return rows.map((row) => row.id)
}

async function sequenceOf(db: Kysely<Database>, table: keyof Database): Promise<string> {
  const { rows } = await sql<{ name: string | null }>`select pg_get_serial_sequence(${table}, 'id') as name`.execute(db)
  const name = rows[0]?.name
  if (!name) throw new Error(`${table}.id has no sequence`)
  return name
}
