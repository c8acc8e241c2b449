import type { ResolveTree } from 'graphql-parse-resolve-info'
import { type AliasedExpression, type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely'
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres'
import { rowScope } from '../row-scope.js'
import type { Principal } from '../../access/principal.js'
import { type CursorKey, type PageOrder, type PageRequest, pageRequest } from './pagination.js'
import type { ColumnKind, Relation, Resource } from '../resource.js'

/**
 * Compiles a GraphQL selection into ONE SQL statement: the rows of a resource with every selected
 * relation nested inside them as JSON (PostgreSQL json_agg subqueries), each relation filtered by
 * the caller's row scope. Child field resolvers then only read what their parent row carries, so
 * a page costs one statement whatever its size and nesting.
 */

export interface ReadScope {
  db: Kysely<any>
  principal: Principal
}

/** Fields selected on one object type, keyed by response name (alias). */
export type Selection = Record<string, ResolveTree>

/** The key under which a row carries a prefetched relation: its response name, marked. */
export const relationKey = (responseName: string) => `$${responseName}`
export const countKey = (responseName: string) => `$${responseName}:count`
/** Exact updated_at of a row read in sync order, for its cursor. */
export const SYNC_KEY = '$updatedAt'
const SYNC_ORDER_KEY = '$syncOrder'

/** Filters every list accepts; `columns` holds the resource-specific equality filters (status, type). */
export interface ListFilter {
  updatedSince?: Date | null
  search?: string | null
  columns?: Record<string, readonly string[] | null | undefined>
}

type AnyRow = Record<string, unknown>
type AnySelect = SelectQueryBuilder<any, any, any>

/** The select list for rows of `resource` under `alias`: all columns plus the selected relations. */
export function selectList(
  scope: ReadScope,
  resource: Resource,
  alias: string,
  selection: Selection,
  asJson: boolean,
): (eb: ExpressionBuilder<any, any>) => AliasedExpression<unknown, string>[] {
  return (eb) => {
    const list: AliasedExpression<unknown, string>[] = selectedColumns(resource.columns, selection, resource.fieldColumns).map(
      ([column, kind]) => columnExpression(alias, column, kind, asJson).as(column),
    )
    for (const [responseName, tree] of Object.entries(selection)) {
      const relation = resource.relations[tree.name]
      if (!relation) continue
      list.push(...relationExpressions(scope, eb, alias, relation, responseName, tree))
    }
    return list
  }
}

/**
 * The columns a selection reads: those its fields name (in snake_case, or as `fieldColumns`
 * says), plus `id`, which cursors and fallback loads key on. Everything else stays in the table:
 * wide JSON columns and timestamps nobody asked for cost PostgreSQL, the wire and the parser.
 */
function selectedColumns(
  columns: Record<string, ColumnKind>,
  selection: Selection,
  fieldColumns: Record<string, string[]> = {},
): Array<[string, ColumnKind]> {
  const wanted = new Set(['id'])
  for (const field of Object.values(selection)) {
    for (const column of fieldColumns[field.name] ?? [snakeCase(field.name)]) wanted.add(column)
  }
  return Object.entries(columns).filter(([column]) => wanted.has(column))
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)

function columnExpression(alias: string, column: string, kind: ColumnKind, asJson: boolean): RawBuilder<unknown> {
  const ref = sql.ref(`${alias}.${column}`)
  // JSON has no int8, numeric or date: they travel as text so nothing is rounded.
  if (asJson && (kind === 'id' || kind === 'numeric' || kind === 'date')) return sql`${ref}::text`
  return ref
}

/** The nested subqueries for one selected relation (a count too when the connection asks for it). */
function relationExpressions(
  scope: ReadScope,
  eb: ExpressionBuilder<any, any>,
  parentAlias: string,
  relation: Relation,
  responseName: string,
  tree: ResolveTree,
): AliasedExpression<unknown, string>[] {
  const childAlias = `${parentAlias}_${responseName}`.slice(-60)
  if (relation.kind === 'lines') {
    const lineFields = Object.assign({}, ...(Object.values(tree.fieldsByTypeName) as Selection[]))
    const columns = selectedColumns(relation.columns, lineFields).map(([column, kind]) =>
      columnExpression(childAlias, column, kind, true).as(column),
    )
    return [
      jsonArrayFrom(
        eb
          .selectFrom(`${relation.table} as ${childAlias}`)
          .select(columns)
          .where(`${childAlias}.business_id`, '=', eb.ref(`${parentAlias}.business_id`))
          .where(`${childAlias}.${relation.foreignKey}`, '=', eb.ref(`${parentAlias}.id`))
          .orderBy(`${childAlias}.${relation.orderColumn}`),
      ).as(relationKey(responseName)),
    ]
  }

  const target = relation.target()
  // A relation the role cannot read is not fetched at all; its field answers FORBIDDEN.
  if (scope.principal.permissions[target.module].INQUIRE === 'NONE') return []

  if (relation.kind === 'one') {
    const fields = fieldsOf(tree, target.typeName)
    return [
      jsonObjectFrom(
        eb
          .selectFrom(`${target.table} as ${childAlias}`)
          .select(selectList(scope, target, childAlias, fields, true))
          .where(`${childAlias}.id`, '=', eb.ref(`${parentAlias}.${relation.foreignKey}`))
          .where(rowScope(target, scope.principal, 'INQUIRE', childAlias)),
      ).as(relationKey(responseName)),
    ]
  }

  let page: PageRequest
  try {
    page = pageRequest(tree.args, 'id')
  } catch {
    // Bad paging arguments: leave this relation to its resolver, which reports the error at its path.
    return []
  }
  const { nodes, wantsCount } = connectionSelection(tree, target.typeName)
  const belongsToParent = (inner: ExpressionBuilder<any, any>, childRef: string) =>
    inner.and([
      inner(`${childRef}.${relation.foreignKey}`, '=', inner.ref(`${parentAlias}.id`)),
      rowScope(target, scope.principal, 'INQUIRE', childRef)(inner),
    ])
  const expressions: AliasedExpression<unknown, string>[] = [
    jsonArrayFrom(
      paginate(
        eb.selectFrom(`${target.table} as ${childAlias}`).select(selectList(scope, target, childAlias, nodes, true)),
        childAlias,
        page,
        'id',
      ).where((inner) => belongsToParent(inner, childAlias)),
    ).as(relationKey(responseName)),
  ]
  if (wantsCount) {
    const countAlias = `${childAlias}_n`
    expressions.push(
      eb
        .selectFrom(`${target.table} as ${countAlias}`)
        .select(sql<number>`count(*)::int`.as('count'))
        .where((inner) => belongsToParent(inner, countAlias))
        .as(countKey(responseName)),
    )
  }
  return expressions
}

/** The fields selected on `typeName` in a field's subtree (fragments already merged by the parser). */
export function fieldsOf(tree: ResolveTree, typeName: string): Selection {
  return (tree.fieldsByTypeName[typeName] as Selection | undefined) ?? {}
}

/**
 * What a connection's selection asks of its nodes (through `nodes` and `edges { node }`) and
 * whether it wants `totalCount`. A relation selected twice under one name with different
 * arguments cannot share one prefetch: it is left out and its resolver loads it instead.
 */
export function connectionSelection(tree: ResolveTree, nodeTypeName: string): { nodes: Selection; wantsCount: boolean } {
  const nodes: Selection = {}
  const conflicts = new Set<string>()
  let wantsCount = false
  const merge = (selection: Selection) => {
    for (const [name, field] of Object.entries(selection)) {
      const existing = nodes[name]
      if (!existing) nodes[name] = field
      else if (JSON.stringify(existing.args) !== JSON.stringify(field.args)) conflicts.add(name)
      else nodes[name] = mergeTrees(existing, field)
    }
  }
  for (const connectionFields of Object.values(tree.fieldsByTypeName) as Selection[]) {
    for (const field of Object.values(connectionFields)) {
      if (field.name === 'totalCount') wantsCount = true
      if (field.name === 'nodes') merge(fieldsOf(field, nodeTypeName))
      if (field.name === 'edges') {
        for (const edgeFields of Object.values(field.fieldsByTypeName) as Selection[]) {
          for (const edgeField of Object.values(edgeFields)) {
            if (edgeField.name === 'node') merge(fieldsOf(edgeField, nodeTypeName))
          }
        }
      }
    }
  }
  for (const name of conflicts) delete nodes[name]
  return { nodes, wantsCount }
}

function mergeTrees(a: ResolveTree, b: ResolveTree): ResolveTree {
  const fieldsByTypeName: Record<string, Selection> = { ...(a.fieldsByTypeName as Record<string, Selection>) }
  for (const [typeName, fields] of Object.entries(b.fieldsByTypeName as Record<string, Selection>)) {
    fieldsByTypeName[typeName] = { ...(fieldsByTypeName[typeName] ?? {}), ...fields }
  }
  return { ...a, fieldsByTypeName }
}

/** Adds keyset conditions, order and limit (one row more than the page, to see if another follows). */
function paginate(query: AnySelect, alias: string, page: PageRequest, order: PageOrder): AnySelect {
  const keyOf = (cursor: CursorKey) =>
    order === 'sync' ? sql`(${sql.ref(`${alias}.updated_at`)}, ${sql.ref(`${alias}.id`)})` : sql.ref(`${alias}.id`)
  const valueOf = (cursor: CursorKey) =>
    order === 'sync' ? sql`(${cursor.updatedAt}::timestamptz, ${cursor.id}::bigint)` : sql`${cursor.id}::bigint`
  if (page.after) query = query.where(sql<SqlBool>`${keyOf(page.after)} > ${valueOf(page.after)}`)
  if (page.before) query = query.where(sql<SqlBool>`${keyOf(page.before)} < ${valueOf(page.before)}`)
  const direction = page.backwards ? 'desc' : 'asc'
  if (order === 'sync') query = query.orderBy(`${alias}.updated_at`, direction)
  return query.orderBy(`${alias}.id`, direction).limit(page.size + 1)
}

/**
 * Sync order never passes the start of the oldest transaction still open: updated_at is a
 * transaction's start time, so a slow writer that commits later still lands after the last cursor
 * a client has seen, never behind it.
 */
export const SYNC_HORIZON = sql`(
  select least(min(xact_start), now()) from pg_stat_activity
  where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null
)`

function applyFilter(query: AnySelect, resource: Resource, alias: string, filter: ListFilter | null | undefined): AnySelect {
  if (!filter) return query
  if (filter.updatedSince) {
    query = query
      .where(`${alias}.updated_at`, '>=', filter.updatedSince)
      .where(sql<SqlBool>`${sql.ref(`${alias}.updated_at`)} < ${SYNC_HORIZON}`)
  }
  const search = filter.search?.trim()
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
    query = query.where((eb) =>
      eb.or(resource.searchColumns.map((column) => eb(sql`${sql.ref(`${alias}.${column}`)}::text`, 'ilike', pattern))),
    )
  }
  for (const [column, values] of Object.entries(filter.columns ?? {})) {
    if (values && values.length > 0) query = query.where(`${alias}.${column}`, 'in', values)
  }
  return query
}

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
  const alias = 'root'
  const filtered = (query: AnySelect) =>
    applyFilter(query.where(rowScope(resource, scope.principal, 'INQUIRE', alias)), resource, alias, args.filter)

  let query = paginate(
    filtered(scope.db.selectFrom(`${resource.table} as ${alias}`).select(selectList(scope, resource, alias, nodes, false))),
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
      .select('counted.total as $total')
    const direction = page.backwards ? 'desc' : 'asc'
    if (order === 'sync') outer = outer.orderBy(`page.${SYNC_ORDER_KEY}`, direction)
    query = outer.orderBy('page.id', direction)
  }
  const result = (await query.execute()) as AnyRow[]
  const totalCount = wantsCount ? Number(result[0]?.$total ?? 0) : null
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
  const alias = 'root'
  const rows = (await scope.db
    .selectFrom(`${resource.table} as ${alias}`)
    .select(selectList(scope, resource, alias, selection, false))
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
  const alias = 'parent'
  const relation = resource.relations[tree.name]
  if (!relation) throw new Error(`${resource.typeName} has no relation ${tree.name}`)
  const rows = (await scope.db
    .selectFrom(`${resource.table} as ${alias}`)
    .select('parent.id')
    .select((eb) => relationExpressions(scope, eb, alias, relation, responseName, tree))
    .where(`${alias}.business_id`, '=', scope.principal.businessId)
    .where(`${alias}.id`, 'in', parentIds)
    .execute()) as AnyRow[]
  return new Map(rows.map((row) => [String(row.id), row]))
}

