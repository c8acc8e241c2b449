import { type Kysely, type RawBuilder, sql } from 'kysely'
import { type PermissionMatrix, levelOf } from '../../src/access/permissions.js'
import { RECORD_TYPES, type RecordType, type TypeName } from './reference-records.js'

/**
 * The reference reader's SQL: plain statements, one per record, list or count, with the row filter
 * written out from the permission catalogue and the contract's ownership rules (not from
 * src/records/row-scope.ts, which is what is under test).
 */

export interface ReferencePrincipal {
  businessId: string
  principalId: string
  teamId: string | null
  permissions: PermissionMatrix
}

export type Row = Record<string, any>

/** INQUIRE level of the module a record type belongs to. */
export const inquireLevel = (principal: ReferencePrincipal, type: TypeName) =>
  levelOf(principal.permissions, RECORD_TYPES[type].module, 'INQUIRE')

/**
 * The rows of `type` (alias `r`) the principal may read: live rows of its business, and then per
 * level — ALL: all of them; MINE: owned by the caller; MY: owned by anyone in the caller's team (a
 * caller without a team: as MINE); NONE: none. Orders are owned by the owner of their job;
 * suppliers have no owner, so any level but NONE sees them all.
 */
export function readable(principal: ReferencePrincipal, type: RecordType): RawBuilder<boolean> {
  const base = sql<boolean>`r.business_id = ${principal.businessId}::bigint and r.deleted_at is null`
  const level = levelOf(principal.permissions, type.module, 'INQUIRE')
  if (level === 'NONE') return sql<boolean>`false`
  if (level === 'ALL' || type.ownership === 'nobody') return base
  const owner =
    type.ownership === 'owner column'
      ? sql`r.owner_id`
      : sql`(select j.owner_id from jobs j where j.business_id = r.business_id and j.id = r.job_id)`
  if (level === 'MINE' || principal.teamId === null) return sql<boolean>`${base} and ${owner} = ${principal.principalId}::bigint`
  return sql<boolean>`${base} and ${owner} in (
    select p.id from principals p where p.business_id = ${principal.businessId}::bigint and p.team_id = ${principal.teamId}::bigint)`
}

/** The largest id PostgreSQL's bigint holds: a bigger one names no row (and must not reach SQL). */
const MAX_BIGINT = 9223372036854775807n
export const possibleId = (id: string) => /^\d{1,19}$/.test(id) && BigInt(id) <= MAX_BIGINT

/** One readable record by id, or undefined. */
export async function readableRecord(db: Kysely<any>, principal: ReferencePrincipal, type: TypeName, id: string): Promise<Row | undefined> {
  if (!possibleId(id)) return undefined
  const record = RECORD_TYPES[type]
  const { rows } = await sql<Row>`select ${sql.raw(record.select)} from ${sql.table(record.table)} r
    where r.id = ${id}::bigint and ${readable(principal, record)}`.execute(db)
  return rows[0]
}

/** A principal of the business (a record's owner) with its team, or undefined. */
export async function principalRow(db: Kysely<any>, businessId: string, id: string): Promise<Row | undefined> {
  const { rows } = await sql<Row>`select p.id::text as id, p.kind, p.name, t.id::text as team_id, t.name as team_name
    from principals p left join teams t on t.business_id = p.business_id and t.id = p.team_id
    where p.business_id = ${businessId}::bigint and p.id = ${id}::bigint`.execute(db)
  return rows[0]
}

/** An order's lines in position order, each field as the answer shows it. */
export async function linesOf(db: Kysely<any>, table: string, column: string, price: string, order: Row): Promise<Row[]> {
  const { rows } = await sql<Row>`select l.position::int as position, l.sku, l.description, l.quantity::text as quantity,
      l.tax_rate::text as tax_rate, l.amount::text as amount, ${sql.ref(`l.${price}`)}::text as ${sql.ref(price)}
    from ${sql.table(table)} l
    where l.business_id = ${order.business_id}::bigint and ${sql.ref(`l.${column}`)} = ${order.id}::bigint
    order by l.position`.execute(db)
  return rows
}

/** List filters, as the schema's `<Type>Filter` inputs carry them. */
export interface Filter {
  updatedSince?: string | null
  search?: string | null
  status?: string[] | null
  type?: string | null
}

/** A list's order: creation (`id`), or (updatedAt, id) when `filter.updatedSince` is given. */
export type ListOrder = 'id' | 'sync'
export const orderOf = (filter: Filter | null | undefined): ListOrder => (filter?.updatedSince != null ? 'sync' : 'id')

/**
 * Cursors are opaque to clients; the reference makes and reads them in the format Gatehouse uses
 * (base64url of a JSON list: ["i", id] in creation order, ["s", updated_at as PostgreSQL prints it,
 * id] in sync order), so expected cursors compare equal to the product's and a cursor taken from
 * any row can be handed back. The product's codec lives beside its compiler, which the reference
 * must not import.
 */
export function cursorOf(order: ListOrder, row: Row): string {
  const parts = order === 'sync' ? ['s', String(row.updated_text), String(row.id)] : ['i', String(row.id)]
  return Buffer.from(JSON.stringify(parts)).toString('base64url')
}

function cursorKey(cursor: string, order: ListOrder): RawBuilder<unknown> {
  const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as string[]
  if (order === 'id' && parts[0] === 'i') return sql`${parts[1]}::bigint`
  if (order === 'sync' && parts[0] === 's') return sql`(${parts[1]}::timestamptz, ${parts[2]}::bigint)`
  throw new Error(`reference: cursor ${cursor} does not belong to a list in ${order} order`)
}

export interface PageArgs {
  first?: number | null
  last?: number | null
  after?: string | null
  before?: string | null
}

/** A page of a list, shaped as the connection answers it. */
export interface Page {
  type: TypeName
  order: ListOrder
  rows: Row[]
  hasNextPage: boolean
  hasPreviousPage: boolean
  /** Counts every readable row the list holds, in all pages (run only when `totalCount` is asked). */
  count: () => Promise<number>
}

/** `parent`: a nested list (the rows whose `column` names the parent's id). */
export interface ListSource {
  type: TypeName
  parent?: { column: string; id: string }
  filter?: Filter | null
}

function conditions(principal: ReferencePrincipal, source: ListSource): RawBuilder<boolean> {
  const record = RECORD_TYPES[source.type]
  const parts: RawBuilder<unknown>[] = [readable(principal, record)]
  if (source.parent) parts.push(sql`${sql.ref(`r.${source.parent.column}`)} = ${source.parent.id}::bigint`)
  const filter = source.filter
  if (filter?.updatedSince != null) parts.push(sql`r.updated_at >= ${filter.updatedSince}::timestamptz`)
  if (filter?.search != null) {
    // A case-insensitive substring: %, _ and \ in the search are plain characters.
    const matches = record.search.map((column) => sql`strpos(lower(${sql.ref(`r.${column}`)}::text), lower(${filter.search})) > 0`)
    parts.push(sql`(${sql.join(matches, sql` or `)})`)
  }
  for (const [field, column] of Object.entries(record.columnFilters)) {
    const value = filter?.[field as 'status' | 'type']
    if (value == null) continue
    const values = Array.isArray(value) ? value : [value]
    if (values.length === 0) throw new Error('reference: an empty status list is not generated (its meaning is unsettled)')
    parts.push(sql`${sql.ref(`r.${column}`)} in (${sql.join(values)})`)
  }
  return sql<boolean>`${sql.join(parts, sql` and `)}`
}

/**
 * A keyset page: `first` rows after `after` (default 25), or the `last` rows before `before`, in
 * the list's order. Paging forward, hasPreviousPage says whether a cursor was given, and paging
 * backward hasNextPage does: the Relay spec leaves those two to the server, and Gatehouse answers
 * them from the arguments rather than with another query.
 */
export async function pageOf(db: Kysely<any>, principal: ReferencePrincipal, source: ListSource, args: PageArgs): Promise<Page> {
  if (args.first != null && args.last != null) throw new Error('reference: first and last together are not generated')
  const size = args.first ?? args.last ?? 25
  if (size < 0 || size > 100) throw new Error('reference: page sizes outside 0..100 are not generated')
  const backwards = args.last != null
  const order = orderOf(source.filter)
  const record = RECORD_TYPES[source.type]
  const key = order === 'sync' ? sql`(r.updated_at, r.id)` : sql`r.id`
  const keyset: RawBuilder<unknown>[] = []
  if (args.after) keyset.push(sql` and ${key} > ${cursorKey(args.after, order)}`)
  if (args.before) keyset.push(sql` and ${key} < ${cursorKey(args.before, order)}`)
  const direction = sql.raw(backwards ? 'desc' : 'asc')
  const sort = order === 'sync' ? sql`r.updated_at ${direction}, r.id ${direction}` : sql`r.id ${direction}`
  const { rows } = await sql<Row>`select ${sql.raw(record.select)} from ${sql.table(record.table)} r
    where ${conditions(principal, source)} ${keyset.length > 0 ? sql.join(keyset, sql``) : sql``}
    order by ${sort} limit ${size + 1}`.execute(db)
  const more = rows.length > size
  const kept = rows.slice(0, size)
  if (backwards) kept.reverse()
  return {
    type: source.type,
    order,
    rows: kept,
    hasNextPage: backwards ? Boolean(args.before) : more,
    hasPreviousPage: backwards ? more : Boolean(args.after),
    count: async () => {
      const { rows: counted } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(record.table)} r
        where ${conditions(principal, source)}`.execute(db)
      return Number(counted[0]!.n)
    },
  }
}
