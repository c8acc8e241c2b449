import { createHash } from 'node:crypto'
import type { ResolveTree } from 'graphql-parse-resolve-info'
import { can } from '../../access/permissions.js'
import { type AliasedExpression, type ExpressionBuilder, type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely'
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres'
import type { Principal } from '../../access/principal.js'
import type { ColumnKind, Relation, Resource } from '../resource.js'
import { ownerImpliedByParent, rowScope } from '../row-scope.js'
import { OWNER_KEY, ownerExpression } from './owner.js'
import { type CursorKey, type PageOrder, type PageRequest, pageRequest } from './pagination.js'
import { COLUMNS_ONLY, type Selection, connectionSelection, fieldsOf } from './selection.js'

/**
 * Builds the SQL of a read: the select list of a resource with every selected relation nested
 * inside as JSON (json_agg subqueries, each filtered by the caller's row scope), the keyset page,
 * the list filters and the sync horizon. compile.ts runs what this builds.
 */

export interface ReadScope {
  db: Kysely<any>
  principal: Principal
}

/**
 * One statement being built: its table aliases come from a counter, never from a client's
 * GraphQL alias, so no choice of aliases can make two subqueries share a name (or run past
 * PostgreSQL's 63-byte identifiers and be cut).
 */
export interface StatementScope extends ReadScope {
  nextAlias(): string
}

export function startStatement(scope: ReadScope): StatementScope {
  let count = 0
  return { ...scope, nextAlias: () => `t${++count}` }
}

/*
 * Keys of a row's JSON. Columns keep their snake_case names. A prefetched relation sits under `$`
 * and its response name, its count under `$name:count`; the compiler's own values under `@`.
 * GraphQL names hold only letters, digits and `_`, so no response name can reach another key.
 */

/** The key under which a row carries a prefetched relation. */
export const relationKey = (responseName: string) => fitIdentifier(`$${responseName}`)
export const countKey = (responseName: string) => fitIdentifier(`$${responseName}:count`)
/** Exact updated_at of a row read in sync order, for its cursor. */
export const SYNC_KEY = '@updatedAt'
/** The position of a row in sync order, for the page's cursor. */
export const SYNC_ORDER_KEY = '@syncOrder'
/** The total of a root list, carried on every row of its page. */
export const TOTAL_KEY = '@total'

const IDENTIFIER_BYTES = 63
const fitted = new Map<string, string>()

/**
 * A key becomes a column alias, and PostgreSQL cuts those at 63 bytes. A longer one (GraphQL
 * names are ASCII and unbounded) is shortened with a digest of the whole; `~` marks it, so a
 * shortened key never equals one that fits.
 */
function fitIdentifier(key: string): string {
  if (key.length <= IDENTIFIER_BYTES) return key
  let short = fitted.get(key)
  if (!short) {
    short = `${key.slice(0, 40)}~${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`
    if (fitted.size > 10_000) fitted.clear()
    fitted.set(key, short)
  }
  return short
}

/** Filters every list accepts; `columns` holds the resource-specific equality filters (status, type). */
export interface ListFilter {
  updatedSince?: Date | null
  search?: string | null
  columns?: Record<string, readonly string[] | null | undefined>
}

export type AnyRow = Record<string, unknown>
export type AnySelect = SelectQueryBuilder<any, any, any>

/** The select list for rows of `resource` under `alias`: all columns plus the selected relations. */
export function selectList(
  scope: StatementScope,
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
      if (tree.name === 'owner' && !list.some((expression) => expression.alias === OWNER_KEY)) {
        const owner = ownerExpression(scope, eb, resource, alias)
        if (owner) list.push(owner)
      }
      const relation = resource.relations[tree.name]
      if (!relation || responseName.startsWith(COLUMNS_ONLY)) continue
      // The rows under `alias` passed `resource`'s row scope (every caller of selectList filters them).
      list.push(...relationExpressions(scope, eb, alias, relation, responseName, tree, resource))
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

export const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)

function columnExpression(alias: string, column: string, kind: ColumnKind, asJson: boolean): RawBuilder<unknown> {
  const ref = sql.ref(`${alias}.${column}`)
  // JSON has no int8, numeric or date: they travel as text so nothing is rounded.
  if (asJson && (kind === 'id' || kind === 'numeric' || kind === 'date')) return sql`${ref}::text`
  return ref
}

/**
 * The nested subqueries for one selected relation (a count too when the connection asks for it).
 * `scopedParent` is the resource whose row scope the parent rows passed, or null when they were
 * not filtered (then every child checks its owner itself).
 */
export function relationExpressions(
  scope: StatementScope,
  eb: ExpressionBuilder<any, any>,
  parentAlias: string,
  relation: Relation,
  responseName: string,
  tree: ResolveTree,
  scopedParent: Resource | null,
): AliasedExpression<unknown, string>[] {
  const childAlias = scope.nextAlias()
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
          // Lines have no owner of their own (their order's rules apply to the parent row), but
          // the tenant fence is still this subquery's own, not borrowed from the parent's alias.
          .where(`${childAlias}.business_id`, '=', scope.principal.businessId)
          .where(`${childAlias}.${relation.foreignKey}`, '=', eb.ref(`${parentAlias}.id`))
          .orderBy(`${childAlias}.${relation.orderColumn}`),
      ).as(relationKey(responseName)),
    ]
  }

  const target = relation.target()
  // A relation the role cannot read is not fetched at all; its field answers FORBIDDEN.
  if (!can(scope.principal.permissions, target.module, 'INQUIRE')) return []

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
  // An order under a job the caller may read at a level its orders' level covers is readable by
  // owner already: no second look at the job's owner per order.
  const ownerImplied = ownerImpliedByParent(target, scopedParent, relation.foreignKey, scope.principal, 'INQUIRE')
  const belongsToParent = (inner: ExpressionBuilder<any, any>, childRef: string) =>
    inner.and([
      inner(`${childRef}.${relation.foreignKey}`, '=', inner.ref(`${parentAlias}.id`)),
      rowScope(target, scope.principal, 'INQUIRE', childRef, { ownerImpliedByParent: ownerImplied })(inner),
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

/** Adds keyset conditions, order and limit (one row more than the page, to see if another follows). */
export function paginate(query: AnySelect, alias: string, page: PageRequest, order: PageOrder): AnySelect {
  const limit = page.size + 1
  const keyOf = (cursor: CursorKey) =>
    order === 'sync' ? sql`(${sql.ref(`${alias}.updated_at`)}, ${sql.ref(`${alias}.id`)})` : sql.ref(`${alias}.id`)
  // Each cursor value behind a scalar sub-select: a plan cannot see it, custom or generic alike.
  // Seen by custom plans, a cursor near the end of an owner-filtered list (MY, MINE) priced them
  // below the generic plan, and plan_cache_mode=auto re-planned the kept statement on every
  // execution (1.4 ms of planning for 0.7 ms of work); priced alike, the generic plan is kept.
  // The sub-selects run once per statement, and stay index conditions.
  const valueOf = (cursor: CursorKey) =>
    order === 'sync' ? sql`((select ${cursor.updatedAt}::timestamptz), (select ${cursor.id}::bigint))` : sql`(select ${cursor.id}::bigint)`
  if (page.after) query = query.where(sql<SqlBool>`${keyOf(page.after)} > ${valueOf(page.after)}`)
  if (page.before) query = query.where(sql<SqlBool>`${keyOf(page.before)} < ${valueOf(page.before)}`)
  const direction = page.backwards ? 'desc' : 'asc'
  if (order === 'sync') query = query.orderBy(`${alias}.updated_at`, direction)
  // A literal, not a parameter: with the page size unknown PostgreSQL prices a generic plan as
  // reading a tenth of the table, keeps re-planning the statement every time it runs (custom
  // plans) and spends more on planning than on running it. The size is part of a read's shape.
  return query.orderBy(`${alias}.id`, direction).limit(sql.lit(limit))
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

/** A list filter as the statement applies it: the search made a pattern, empty value lists dropped. */
export interface AppliedFilter {
  updatedSince: Date | null
  /** An ILIKE pattern with the search text's own wildcards escaped. */
  searchPattern: string | null
  /** Columns and the values one of which they must hold, in the filter's order. */
  columns: Array<[column: string, values: readonly string[]]>
}

export function appliedFilter(filter: ListFilter | null | undefined): AppliedFilter {
  const search = filter?.search?.trim()
  return {
    updatedSince: filter?.updatedSince ?? null,
    searchPattern: search ? `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%` : null,
    columns: Object.entries(filter?.columns ?? {}).filter((entry): entry is [string, readonly string[]] => (entry[1]?.length ?? 0) > 0),
  }
}

export function applyFilter(query: AnySelect, resource: Resource, alias: string, filter: AppliedFilter): AnySelect {
  if (filter.updatedSince) {
    query = query
      .where(`${alias}.updated_at`, '>=', filter.updatedSince)
      .where(sql<SqlBool>`${sql.ref(`${alias}.updated_at`)} < ${SYNC_HORIZON}`)
  }
  const pattern = filter.searchPattern
  if (pattern) {
    query = query.where((eb) =>
      eb.or(resource.searchColumns.map((column) => eb(sql`${sql.ref(`${alias}.${column}`)}::text`, 'ilike', pattern))),
    )
  }
  // One array parameter, whatever the number of values: one statement text for every such filter.
  for (const [column, values] of filter.columns) {
    query = query.where(sql<SqlBool>`${sql.ref(`${alias}.${column}`)} = any(${values}::text[])`)
  }
  return query
}
