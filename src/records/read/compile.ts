import type { ResolveTree } from 'graphql-parse-resolve-info'
import { type SqlBool, sql } from 'kysely'
import type { Principal } from '../../access/principal.js'
import type { Resource } from '../resource.js'
import { rowScope } from '../row-scope.js'
import { type PageOrder, type PageRequest, pageFlags, pageRequest } from './pagination.js'
import { boundPrincipal, compileRead, principalShape, principalValues } from './statement-cache.js'
import { type Selection, connectionSelection } from './selection.js'
import { totalCountQuery } from './total-count.js'
import {
  type AnyRow,
  type AnySelect,
  type AppliedFilter,
  type ListFilter,
  type ReadScope,
  SYNC_KEY,
  SYNC_ORDER_KEY,
  TOTAL_KEY,
  applyFilter,
  appliedFilter,
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
  const filter = appliedFilter(args.filter)
  const { nodes, wantsCount } = connectionSelection(tree, resource.typeName)
  const values = pageValues(scope.principal, page, filter)
  const key = ['page', pageShape(resource, order, page, filter, scope.principal), JSON.stringify(tree.fieldsByTypeName)].join('|')
  const compiled = compileRead(key, values, (bound) => {
    const statement = startStatement({ db: scope.db, principal: boundPrincipal(scope.principal, bound) })
    const alias = statement.nextAlias()
    const boundPage = pageBound(page, bound)
    const boundFilter = filterBound(filter, bound)
    const filtered = (query: AnySelect) =>
      applyFilter(query.where(rowScope(resource, statement.principal, 'INQUIRE', alias)), resource, alias, boundFilter)

    let query = paginate(
      filtered(scope.db.selectFrom(`${resource.table} as ${alias}`).select(selectList(statement, resource, alias, nodes, false))),
      alias,
      boundPage,
      order,
    )
    if (order === 'sync') {
      // The cursor needs updated_at to the microsecond (text); the outer count query orders by the value.
      query = query.select([
        sql<string>`${sql.ref(`${alias}.updated_at`)}::text`.as(SYNC_KEY),
        sql.ref(`${alias}.updated_at`).as(SYNC_ORDER_KEY),
      ])
    }
    if (!wantsCount) return query
    // The count rides along in the same statement; the outer join keeps it when the page is empty.
    const counted = totalCountQuery(statement, resource, boundFilter, alias, 'total')
    let outer = scope.db
      .selectFrom(counted.as('counted'))
      .leftJoinLateral(query.as('page'), (join) => join.onTrue())
      .selectAll('page')
      .select(sql.ref('counted.total').as(TOTAL_KEY))
    const direction = page.backwards ? 'desc' : 'asc'
    if (order === 'sync') outer = outer.orderBy(`page.${SYNC_ORDER_KEY}`, direction)
    return outer.orderBy('page.id', direction)
  })
  const result = (await scope.db.executeQuery(compiled)).rows as AnyRow[]
  const totalCount = wantsCount ? Number(result[0]?.[TOTAL_KEY] ?? 0) : null
  const rows = wantsCount ? result.filter((row) => row.id != null) : result
  return { ...pageOf(rows, page), totalCount, order }
}

/** A root page's request values, each a parameter of its statement: the caller's, the page's, the filter's. */
export function pageValues(principal: Principal, page: PageRequest, filter: AppliedFilter) {
  return {
    ...principalValues(principal),
    afterId: page.after?.id ?? null,
    afterTime: page.after?.updatedAt ?? null,
    beforeId: page.before?.id ?? null,
    beforeTime: page.before?.updatedAt ?? null,
    updatedSince: filter.updatedSince,
    search: filter.searchPattern,
    ...Object.fromEntries(filter.columns.map(([column, columnValues]) => [`in:${column}`, columnValues])),
  }
}

export type PageValues = ReturnType<typeof pageValues>

/** Everything a root page's statement branches on besides the selection; its values are parameters. */
export function pageShape(resource: Resource, order: PageOrder, page: PageRequest, filter: AppliedFilter, principal: Principal): string {
  return [
    // The page size too: see paginate.
    resource.typeName, order, page.size, page.backwards, page.after !== null, page.before !== null, filter.updatedSince !== null,
    filter.searchPattern !== null, filter.columns.map(([column]) => column).join(','), principalShape(principal),
  ].join('|')
}

/** The page with its cursors' values bound. */
export function pageBound(page: PageRequest, bound: PageValues): PageRequest {
  return {
    ...page,
    after: page.after && { ...page.after, id: bound.afterId!, updatedAt: bound.afterTime ?? undefined },
    before: page.before && { ...page.before, id: bound.beforeId!, updatedAt: bound.beforeTime ?? undefined },
  }
}

/** The filter with its values bound. */
export function filterBound(filter: AppliedFilter, bound: PageValues): AppliedFilter {
  return {
    updatedSince: filter.updatedSince && bound.updatedSince,
    searchPattern: filter.searchPattern && bound.search,
    columns: filter.columns.map(([column]) => [column, (bound as Record<string, unknown>)[`in:${column}`] as readonly string[]]),
  }
}

/** Trims the extra row read past the page and puts a backwards page back in order. */
export function pageOf(rows: AnyRow[], page: PageRequest): Pick<PageResult, 'rows' | 'hasNextPage' | 'hasPreviousPage'> {
  const more = rows.length > page.size
  const kept = more ? rows.slice(0, page.size) : rows
  if (page.backwards) kept.reverse()
  return { rows: kept, ...pageFlags(page, more, (known) => known) }
}

/** Reads records by id (a lookup, `node`, `nodes`) with their nested relations, in one statement. */
export async function readByIds(
  scope: ReadScope,
  resource: Resource,
  ids: readonly string[],
  selection: Selection,
): Promise<Map<string, AnyRow>> {
  if (ids.length === 0) return new Map()
  const values = { ...principalValues(scope.principal), ids }
  const key = ['ids', resource.typeName, principalShape(scope.principal), JSON.stringify(selection)].join('|')
  const compiled = compileRead(key, values, (bound) => {
    const statement = startStatement({ db: scope.db, principal: boundPrincipal(scope.principal, bound) })
    const alias = statement.nextAlias()
    return scope.db
      .selectFrom(`${resource.table} as ${alias}`)
      .select(selectList(statement, resource, alias, selection, false))
      .where(idIn(alias, bound.ids))
      .where(rowScope(resource, statement.principal, 'INQUIRE', alias))
  })
  const rows = (await scope.db.executeQuery(compiled)).rows as AnyRow[]
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
  const relation = resource.relations[tree.name]
  if (!relation) throw new Error(`${resource.typeName} has no relation ${tree.name}`)
  const values = { ...principalValues(scope.principal), ids: parentIds }
  // The relation's own arguments (a nested page) are in the tree, so they are shape.
  const key = ['relation', resource.typeName, responseName, principalShape(scope.principal), JSON.stringify(tree)].join('|')
  const compiled = compileRead(key, values, (bound) => {
    const statement = startStatement({ db: scope.db, principal: boundPrincipal(scope.principal, bound) })
    const alias = statement.nextAlias()
    return (
      scope.db
        .selectFrom(`${resource.table} as ${alias}`)
        .select(`${alias}.id`)
        // The parents are in hand, not filtered here: their children check their owners themselves.
        .select((eb) => relationExpressions(statement, eb, alias, relation, responseName, tree, null))
        .where(`${alias}.business_id`, '=', statement.principal.businessId)
        .where(idIn(alias, bound.ids))
    )
  })
  const rows = (await scope.db.executeQuery(compiled)).rows as AnyRow[]
  return new Map(rows.map((row) => [String(row.id), row]))
}

/** `id` is one of `ids`: one array parameter, so any number of ids is one statement text. */
const idIn = (alias: string, ids: readonly string[]) => sql<SqlBool>`${sql.ref(`${alias}.id`)} = any(${ids}::bigint[])`
