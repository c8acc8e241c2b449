import type { GraphQLResolveInfo } from 'graphql'
import { type ResolveTree, parseResolveInfo } from 'graphql-parse-resolve-info'
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely'
import type { Database, Row } from '../../db/types.js'
import { pageOf } from '../../records/read/compile.js'
import { connectionSelection } from '../../records/read/selection.js'
import { type ConnectionArgs, pageRequest } from '../../records/read/pagination.js'
import { type ConnectionValue, toConnection } from '../../records/read/relations.js'

/**
 * Reading helpers of the admin lists (teams, members, roles, users): keyset pagination with the
 * same cursors, limits and errors as the record lists (records/read/pagination.ts), in creation (id)
 * order, never OFFSET; and the per-request loaders' handling of missing rows.
 */

/** True when the connection field's selection asks for `totalCount` (so the count query can be skipped). */
export function wantsTotalCount(info: GraphQLResolveInfo, nodeTypeName: string): boolean {
  return connectionSelection(parseResolveInfo(info) as ResolveTree, nodeTypeName).wantsCount
}

/**
 * Reads one page of an already tenant-scoped query in `idColumn` order. The count runs as a
 * second statement only when asked for.
 */
export async function pageById<TB extends keyof Database, O extends { id: string }>(
  scoped: SelectQueryBuilder<Database, TB, O>,
  idColumn: string,
  args: ConnectionArgs,
  withCount: boolean,
): Promise<ConnectionValue> {
  const page = pageRequest(args, 'id')
  let query = scoped
  if (page.after) query = query.where(sql.ref(idColumn), '>', page.after.id)
  if (page.before) query = query.where(sql.ref(idColumn), '<', page.before.id)
  const rows = await query
    .orderBy(sql.ref(idColumn), page.backwards ? 'desc' : 'asc')
    .limit(page.size + 1)
    .execute()
  const totalCount = withCount
    ? Number(
        (await scoped.clearSelect().select(sql<number>`count(*)::int`.as('total')).executeTakeFirst())?.total ?? 0,
      )
    : null
  return toConnection({ ...pageOf(rows as never[], page), totalCount, order: 'id' })
}

/**
 * Rows of one business's table by id, in the order asked, for a per-request loader; an id of
 * another business (or none) is undefined.
 */
export async function loadInBusiness<TB extends 'teams' | 'security_roles'>(
  db: Kysely<Database>,
  table: TB,
  businessId: string,
  ids: readonly string[],
): Promise<Array<Row<TB> | undefined>> {
  if (ids.length === 0) return []
  const rows = (await (db as Kysely<any>)
    .selectFrom(table)
    .selectAll()
    .where('business_id', '=', businessId)
    .where('id', 'in', [...ids])
    .execute()) as Array<Row<TB>>
  const byId = new Map(rows.map((row) => [(row as { id: string }).id, row]))
  return ids.map((id) => byId.get(id))
}

/** Rows a per-request loader did not find become errors at their own path instead of failing the batch. */
export function orMissing<T>(rows: Array<T | undefined>): Array<T | Error> {
  return rows.map((row) => row ?? new Error('Record not found'))
}
