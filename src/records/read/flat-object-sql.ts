import { type RawBuilder, sql } from 'kysely'
import type { ColumnKind, Resource } from '../resource.js'
import { globalId } from './global-id-sql.js'
import type { ColumnFormat, FieldPlan } from './response-plan.js'

/** Scalars and flat objects as the response's JSON text, for response-sql.ts. */

const ref = (name: string) => sql.ref(name)
const lit = (value: string) => sql.lit(value)

/** A column's value as its scalar serialises it (a text for numbers, dates and times). */
export function columnValue(alias: string, name: string, format: ColumnFormat): RawBuilder<unknown> {
  const value = ref(`${alias}.${name}`)
  if (format === 'text') return sql`${value}::text`
  // Date#toISOString: UTC, milliseconds cut (not rounded) from PostgreSQL's microseconds, as to_char's MS does.
  if (format === 'datetime') return sql`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
  return sql`${value}`
}

/**
 * A flat object's JSON (members of scalars only) written as text, where row_to_json would need a
 * lateral row per object: PostgreSQL forms a tuple for it and looks up how to write each member's
 * type on every call. Concatenating cost 40 % less per order line (0.67 against 1.11 µs), and a
 * nested page writes thousands of such objects (Q2's statement: 5–6 % less PostgreSQL CPU;
 * docs/performance.md). The bytes are row_to_json's: keys as JSON.stringify writes them (GraphQL
 * names, which need no escaping either way), values as to_json writes them (what row_to_json calls
 * per member), `null` for SQL NULL. Where the text becomes json, the cast validates it, which
 * keeps a mistake here loud.
 */
export function flatText(members: FlatMember[]): RawBuilder<unknown> {
  if (members.length === 0) return sql`'{}'`
  const pieces = members.map((member, index) => sql`${lit(`${index ? ',' : '{'}${JSON.stringify(member.key)}:`)} || ${member.json}`)
  return sql`${sql.join(pieces, sql` || `)} || '}'`
}

export type FlatMember = { key: string; json: RawBuilder<unknown> }

/**
 * A scalar member's JSON text, for flatText: as row_to_json writes the value of `columnValue` for a
 * column of `kind` (null: a computed field's text).
 */
function scalarJson(value: RawBuilder<unknown>, format: ColumnFormat, kind: ColumnKind | null): RawBuilder<unknown> {
  // Numbers and dates rendered as text, and to_char's timestamps: digits, signs, '.', ':', 'T', 'Z'.
  if (format === 'text' || format === 'datetime') return sql`coalesce('"' || ${value} || '"', 'null')`
  // Integers and booleans are written as their text (`true`, `false`), as to_json writes them,
  // without to_json's per-call look-up of how to write the type.
  if (kind === 'int' || kind === 'bool') return sql`coalesce(${value}::text, 'null')`
  return sql`coalesce(to_json(${value})::text, 'null')`
}

const columnJson = (alias: string, column: string, format: ColumnFormat, columns: Record<string, ColumnKind>) =>
  scalarJson(columnValue(alias, column, format), format, columns[column] ?? null)

/** A literal string's JSON text (a __typename: a GraphQL name). */
const literalJson = (value: string) => lit(JSON.stringify(value))

/**
 * The members of an object of scalars only (a record's, or an order line's with `resource`'s
 * columns and fields those of the line), as JSON text; null when it nests anything.
 */
export function flatMembers(resource: Pick<Resource, 'columns' | 'fieldSql'>, alias: string, fields: FieldPlan[]): FlatMember[] | null {
  const members: FlatMember[] = []
  for (const field of fields) {
    if (field.kind === 'typename') members.push({ key: field.key, json: literalJson(field.value) })
    // base64url: nothing to escape.
    else if (field.kind === 'id') members.push({ key: field.key, json: sql`'"' || ${globalId(field.typeName, alias)} || '"'` })
    else if (field.kind === 'column') members.push({ key: field.key, json: columnJson(alias, field.column, field.format, resource.columns) })
    else if (field.kind === 'computed') members.push({ key: field.key, json: scalarJson(resource.fieldSql![field.field]!(alias), 'plain', null) })
    else return null
  }
  return members
}
