import type { ResolveTree } from 'graphql-parse-resolve-info'
import { sql } from 'kysely'
import type { Resource } from '../resource.js'
import { rowScope } from '../row-scope.js'
import { type PageOrder, type PageRequest, pageRequest } from './pagination.js'
import { type Selection, connectionSelection } from './selection.js'
import {
  type AnyRow,
  type AnySelect,
  type ListFilter,
  type ReadScope,
  SYNC_KEY,
  SYNC_ORDER_KEY,
  TOTAL_KEY,
  applyFilter,
  paginate,
  relationExpressions,
  selectList,
  startStatement,
} from './statement.js'

/**
 * Compiles a GraphQL selection into ONE SQL statement: the rows of a resource with every selected
 * relation nested inside them as JSON (PostgreSQL json_agg subqueries), each relation filtered by
 * the caller's row scope. Child field resolvers then only read what their parent row carries, so
 * a page costs one statement whatever its size and nesting.
 */

export interface PageResult {
  rows: AnyRow[]
  hasNextPage: boolean
  hasPreviousPage: boolean
  totalCount: number | null
  order: PageOrder
}

/** Reads one page of a root list, its nested relations and (when asked) its total, in one statement. */
export async function readPage(
  scope: ReadScope,
  resource: Resource,
  args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null; filter?: ListFilter | null },
  tree: ResolveTree,
): Promise<PageResult> {
  const order: PageOrder = args.filter?.updatedSince ? 'sync' : 'id'
  const page = pageRequest(args, order)
  const { nodes, wantsCount } = connectionSelection(tree, resource.typeName)
  const statement = startStatement(scope)
  const alias = statement.nextAlias()
  const filtered = (query: AnySelect) =>
    applyFilter(query.where(rowScope(resource, scope.principal, 'INQUIRE', alias)), resource, alias, args.filter)

  let query = paginate(
    filtered(scope.db.selectFrom(`${resource.table} as ${alias}`).select(selectList(statement, resource, alias, nodes, false))),
    alias,
    page,
    order,
  )
  if (order === 'sync') {
    // The cursor needs updated_at to the microsecond (text); the outer count query orders by the value.
    query = query.select([
      sql<string>`${sql.ref(`${alias}.updated_at`)}::text`.as(SYNC_KEY),
      sql.ref(`${alias}.updated_at`).as(SYNC_ORDER_KEY),
    ])
  }
  if (wantsCount) {
    // The count rides along in the same statement; the outer join keeps it when the page is empty.
    const counted = filtered(scope.db.selectFrom(`${resource.table} as ${alias}`).select(sql<number>`count(*)::int`.as('total')))
    let outer = scope.db
      .selectFrom(counted.as('counted'))
      .leftJoinLateral(query.as('page'), (join) => join.onTrue())
      .selectAll('page')
      .select(sql.ref('counted.total').as(TOTAL_KEY))
    const direction = page.backwards ? 'desc' : 'asc'
    if (order === 'sync') outer = outer.orderBy(`page.${SYNC_ORDER_KEY}`, direction)
    query = outer.orderBy('page.id', direction)
  }
  const result = (await query.execute()) as AnyRow[]
  const totalCount = wantsCount ? Number(result[0]?.[TOTAL_KEY] ?? 0) : null
  const rows = wantsCount ? result.filter((row) => row.id != null) : result
  return { ...pageOf(rows, page), totalCount, order }
}

/** Trims the extra row read past the page and puts a backwards page back in order. */
export function pageOf(rows: AnyRow[], page: PageRequest): Pick<PageResult, 'rows' | 'hasNextPage' | 'hasPreviousPage'> {
  const more = rows.length > page.size
  const kept = more ? rows.slice(0, page.size) : rows
  if (page.backwards) kept.reverse()
  return {
    rows: kept,
    hasNextPage: page.backwards ? page.before !== null : more,
    hasPreviousPage: page.backwards ? more : page.after !== null,
  }
}

/** Reads records by id (a lookup, `node`, `nodes`) with their nested relations, in one statement. */
export async function readByIds(
  scope: ReadScope,
  resource: Resource,
  ids: readonly string[],
  selection: Selection,
): Promise<Map<string, AnyRow>> {
  if (ids.length === 0) return new Map()
  const statement = startStatement(scope)
  const alias = statement.nextAlias()
  const rows = (await scope.db
    .selectFrom(`${resource.table} as ${alias}`)
    .select(selectList(statement, resource, alias, selection, false))
    .where(`${alias}.id`, 'in', ids)
    .where(rowScope(resource, scope.principal, 'INQUIRE', alias))
    .execute()) as AnyRow[]
  return new Map(rows.map((row) => [String(row.id), row]))
}

/**
 * The fallback for a relation its parent row did not bring (a parent from a mutation, or a
 * relation selected twice with different arguments): re-reads the parents by id with just this
 * relation, through the same compiler, so both paths give identical answers.
 */
export async function readRelationFor(
  scope: ReadScope,
  resource: Resource,
  parentIds: readonly string[],
  responseName: string,
  tree: ResolveTree,
): Promise<Map<string, AnyRow>> {
  const statement = startStatement(scope)
  const alias = statement.nextAlias()
  const relation = resource.relations[tree.name]
  if (!relation) throw new Error(`${resource.typeName} has no relation ${tree.name}`)
  const rows = (await scope.db
    .selectFrom(`${resource.table} as ${alias}`)
    .select(`${alias}.id`)
    // The parents are in hand, not filtered here: their children check their owners themselves.
    .select((eb) => relationExpressions(statement, eb, alias, relation, responseName, tree, null))
    .where(`${alias}.business_id`, '=', scope.principal.businessId)
    .where(`${alias}.id`, 'in', parentIds)
    .execute()) as AnyRow[]
  return new Map(rows.map((row) => [String(row.id), row]))
}

