import { type AliasedRawBuilder, type Expression, type Kysely, type RawBuilder, type SqlBool, expressionBuilder, sql } from 'kysely'
import type { Principal } from '../../access/principal.js'
import type { Relation, Resource } from '../resource.js'
import { ownerImpliedByParent, rowScope } from '../row-scope.js'
import { columnValue, flatMembers, flatText } from './flat-object-sql.js'
import { base64url, globalId } from './global-id-sql.js'
import { ownerValue } from './owner-sql.js'
import { type PageOrder, type PageRequest, pageFlags } from './pagination.js'
import type { ConnectionPlan, EdgePlan, FieldPlan, JsonMemberPlan } from './response-plan.js'
import { type AnySelect, type AppliedFilter, applyFilter, paginate } from './statement.js'

/**
 * SQL that answers a read in the response's own JSON: objects keyed by response names in the
 * order graphql-js would write them, ids, cursors, money and times formatted as the resolvers
 * and scalars format them, and compact (row_to_json and array_to_json, not json_build_object,
 * whose `"a" : 1` spacing JSON.stringify does not write). passthrough.ts decides what may be
 * answered this way; the plan it hands in is the response's shape, every request value is bound.
 * Each object also carries its price as the cost meter counts it over returned data
 * (server/cost/estimate.ts): 1 per record, 2 per connection, 1 per totalCount.
 */

/** The response's JSON (as text, never parsed here) and its actual cost. */
export const DATA = 'data'
export const COST = 'cost'

export interface Build {
  db: Kysely<any>
  principal: Principal
  nextAlias(): string
}

/** A value of an object under construction: its SQL, the laterals it needs, what it costs. */
export interface Built {
  json: RawBuilder<unknown>
  cost: RawBuilder<unknown> | null
  laterals: RawBuilder<unknown>[]
}

const ref = (name: string) => sql.ref(name)
const lit = (value: string) => sql.lit(value)

/** A row's cursor before its encoding: the JSON ["i","id"] or ["s","updated_at","id"] (pagination.ts's encodeCursor). */
function cursorJson(alias: string, order: PageOrder): RawBuilder<unknown> {
  return order === 'sync'
    ? sql`'["s","' || ${ref(`${alias}.updated_at`)}::text || '","' || ${ref(`${alias}.id`)}::text || '"]'`
    : sql`'["i","' || ${ref(`${alias}.id`)}::text || '"]'`
}

/** A row's cursor, as clients see it: base64url of its JSON. */
export const cursorOf = (alias: string, order: PageOrder) => base64url(cursorJson(alias, order))

/** A JSON column's list of flat objects, each with the selected members as strings, in the list's order. */
function jsonList(build: Build, alias: string, name: string, members: JsonMemberPlan[]): RawBuilder<unknown> {
  const element = build.nextAlias()
  const object = build.nextAlias()
  const values = members.map((member) =>
    member.kind === 'typename'
      ? sql`${lit(member.value)}::text`.as(member.key)
      : sql`${ref(`${element}.value`)} ->> ${lit(member.member)}`.as(member.key),
  )
  return sql`(select coalesce(array_to_json(array_agg(row_to_json(${sql.id(object)}) order by ${ref(`${element}.position`)})), '[]'::json)
    from jsonb_array_elements(${ref(`${alias}.${name}`)}) with ordinality as ${sql.id(element)}(value, position)
    cross join lateral (select ${sql.join(values)}) as ${sql.id(object)})`
}

/** The JSON object of one record under `alias`, with its relations as laterals. */
export function recordObject(build: Build, resource: Resource, alias: string, fields: FieldPlan[]): Built {
  const flat = flatMembers(resource, alias, fields)
  if (flat) return { json: sql`(${flatText(flat)})::json`, cost: sql`1`, laterals: [] }
  const laterals: RawBuilder<unknown>[] = []
  const costs: RawBuilder<unknown>[] = [sql`1`]
  const values = fields.map((field) => {
    switch (field.kind) {
      case 'typename':
        return sql`${lit(field.value)}::text`.as(field.key)
      case 'id':
        return globalId(field.typeName, alias).as(field.key)
      case 'column':
        return columnValue(alias, field.column, field.format).as(field.key)
      case 'computed':
        return resource.fieldSql![field.field]!(alias).as(field.key)
      case 'jsonList':
        return jsonList(build, alias, field.column, field.members).as(field.key)
      default: {
        const built = field.kind === 'owner' ? ownerValue(build, resource, alias, field.fields) : relationValue(build, resource, alias, field)
        laterals.push(...built.laterals)
        if (built.cost) costs.push(built.cost)
        return built.json.as(field.key)
      }
    }
  })
  const object = build.nextAlias()
  laterals.push(sql`cross join lateral (select ${sql.join(values)}) as ${sql.id(object)}`)
  return { json: sql`row_to_json(${sql.id(object)})`, cost: sql.join(costs, sql` + `), laterals }
}

function relationValue(build: Build, parent: Resource, parentAlias: string, field: FieldPlan & { kind: 'one' | 'lines' | 'many' }): Built {
  const relation = parent.relations[field.relation]!
  const result = build.nextAlias()
  const joined = (body: RawBuilder<unknown>) => sql`left join lateral (${body}) as ${sql.id(result)} on true`
  if (field.kind === 'lines' && relation.kind === 'lines') {
    const line = build.nextAlias()
    // A line's fields are its typename and columns: always flat.
    const members = flatMembers({ columns: relation.columns }, line, field.fields)!
    // The lines' texts joined as array_to_json joins json elements: ',' between, '[]' for none.
    const body = sql`select ('[' || coalesce(string_agg(${flatText(members)}, ',' order by ${ref(`${line}.${relation.orderColumn}`)}), '') || ']')::json as ${sql.id(DATA)}
      from ${sql.table(relation.table)} as ${sql.id(line)}
      where ${ref(`${line}.business_id`)} = ${build.principal.businessId} and ${ref(`${line}.${relation.foreignKey}`)} = ${ref(`${parentAlias}.id`)}`
    // Lines have no id: they cost nothing of their own.
    return { json: ref(`${result}.${DATA}`), cost: null, laterals: [joined(body)] }
  }
  if (field.kind === 'one' && relation.kind === 'one') {
    const target = relation.target()
    const child = build.nextAlias()
    const object = recordObject(build, target, child, field.fields)
    const eb = expressionBuilder<any, any>()
    // \`limit 1\` (the id is unique) keeps the lateral a lookup per parent row: a plain subquery
    // PostgreSQL may pull up into a join, and a generic plan then hashes every contact the role
    // may read to match 50 rows (the MY key's keyset page cost twice the admin key's).
    const body = sql`select ${object.json} as ${sql.id(DATA)}, ${object.cost} as ${sql.id(COST)}
      from ${sql.table(target.table)} as ${sql.id(child)} ${sql.join(object.laterals, sql` `)}
      where ${ref(`${child}.id`)} = ${ref(`${parentAlias}.${relation.foreignKey}`)} and ${rowScope(target, build.principal, 'INQUIRE', child)(eb)}
      limit 1`
    return { json: ref(`${result}.${DATA}`), cost: sql`coalesce(${ref(`${result}.${COST}`)}, 0)`, laterals: [joined(body)] }
  }
  if (field.kind === 'many' && relation.kind === 'many') {
    const target = relation.target()
    const belongs = childOf(build, parent, parentAlias, relation)
    const body = connectionSql(build, target, {
      rows: (alias) => build.db.selectFrom(`${target.table} as ${alias}`).selectAll(alias).where(belongs(alias)),
      page: field.page,
      order: 'id',
      count: (alias) => build.db.selectFrom(`${target.table} as ${alias}`).select(sql`count(*)::int`.as('count')).where(belongs(alias)),
      plan: field.connection,
    })
    return { json: ref(`${result}.${DATA}`), cost: ref(`${result}.${COST}`), laterals: [joined(body)] }
  }
  throw new Error(`${parent.typeName}.${field.relation} is not a ${field.kind} relation`)
}

/** The rows of a to-many relation under the parent row `parentAlias`, as the caller may read them, read as `alias`. */
export function childOf(build: Build, parent: Resource, parentAlias: string, relation: Extract<Relation, { kind: 'many' }>) {
  const target = relation.target()
  const ownerImplied = ownerImpliedByParent(target, parent, relation.foreignKey, build.principal, 'INQUIRE')
  return (alias: string) => (eb: any): Expression<SqlBool> =>
    eb.and([
      eb(`${alias}.${relation.foreignKey}`, '=', eb.ref(`${parentAlias}.id`)),
      rowScope(target, build.principal, 'INQUIRE', alias, { ownerImpliedByParent: ownerImplied })(eb),
    ])
}

export interface ConnectionSource {
  /** The rows the connection pages through (filtered, not paged), read as `alias`. */
  rows(alias: string): AnySelect
  /** `select count(*)::int` over the same rows, for totalCount. */
  count(alias: string): AnySelect
  page: PageRequest
  order: PageOrder
  plan: ConnectionPlan[]
  filter?: { resource: Resource; applied: AppliedFilter }
}

/**
 * One page's rows: read one more than asked (to learn whether another page follows), numbered `n`
 * in reading order, each with its cursor's JSON when pageInfo shows one (`cursor`), and for every
 * nodes or edges item of the selection the row's object (`j<index>`) and its cost (`c<index>`).
 */
export interface PageRows {
  select: RawBuilder<unknown>
  /** The selection's nodes and edges items by their index in the plan, and whether each carries a cost. */
  lists: Map<number, { costed: boolean }>
  cursors: boolean
}

export function pageRows(build: Build, resource: Resource, source: Omit<ConnectionSource, 'count'>): PageRows {
  const { page, order, plan } = source
  const rowsAlias = build.nextAlias()
  const keyed = paginate(source.rows(rowsAlias), rowsAlias, page, order)
  const direction = page.backwards ? sql`desc` : sql`asc`
  const numberOrder = order === 'sync'
    ? sql`${ref(`${rowsAlias}.updated_at`)} ${direction}, ${ref(`${rowsAlias}.id`)} ${direction}`
    : sql`${ref(`${rowsAlias}.id`)} ${direction}`
  const columns: Array<RawBuilder<unknown> | AliasedRawBuilder<unknown, string>> = [ref(`${rowsAlias}.n`)]
  const laterals: RawBuilder<unknown>[] = []
  // Every row's cursor JSON is read, but only pageInfo's first and last are encoded.
  const cursors = plan.some((item) => item.kind === 'pageInfo' && item.info.some((info) => info.kind === 'startCursor' || info.kind === 'endCursor'))
  if (cursors) columns.push(cursorJson(rowsAlias, order).as('cursor'))
  const lists = new Map<number, { costed: boolean }>()
  plan.forEach((item, index) => {
    if (item.kind !== 'nodes' && item.kind !== 'edges') return
    const built = item.kind === 'nodes' ? recordObject(build, resource, rowsAlias, item.fields) : edgeObject(build, resource, rowsAlias, order, item.edge)
    laterals.push(...built.laterals)
    columns.push(built.json.as(`j${index}`))
    if (built.cost) columns.push(sql`${built.cost}`.as(`c${index}`))
    lists.set(index, { costed: built.cost !== null })
  })
  const numbered = sql`select ${sql.ref(`${rowsAlias}`)}.*, row_number() over (order by ${numberOrder}) as n from (${keyed}) as ${sql.id(rowsAlias)}`
  const select = sql`select ${sql.join(columns)}
        from (${numbered}) as ${sql.id(rowsAlias)} ${sql.join(laterals, sql` `)}`
  return { select, lists, cursors }
}

/** Rows come back in reading order; a backwards page is shown the other way round. */
export const shownOrder = (page: PageRequest) => (page.backwards ? sql`desc` : sql`asc`)

/**
 * One page as a connection object: its rows (pageRows) aggregated into the selection's lists,
 * over the rows kept (all but the one read past the page).
 */
export function connectionSql(build: Build, resource: Resource, source: ConnectionSource): RawBuilder<unknown> {
  const { page, plan } = source
  const size = sql.lit(page.size)
  const shown = shownOrder(page)
  const rows = pageRows(build, resource, source)
  const pageRowsAlias = build.nextAlias()
  const totals = build.nextAlias()
  const kept = sql`${ref(`${pageRowsAlias}.n`)} <= ${size}`
  const aggregates: RawBuilder<unknown>[] = [sql`count(*) as n`]
  if (rows.cursors) aggregates.push(sql`array_agg(${ref(`${pageRowsAlias}.cursor`)} order by ${ref(`${pageRowsAlias}.n`)} ${shown}) filter (where ${kept}) as cursors`)
  const costs: RawBuilder<unknown>[] = [sql`2`]
  const values = plan.map((item, index) => {
    switch (item.kind) {
      case 'typename':
        return sql`${lit(item.value)}::text`.as(item.key)
      case 'totalCount': {
        costs.push(sql`1`)
        const countAlias = build.nextAlias()
        return sql`(${source.count(countAlias)})`.as(item.key)
      }
      case 'pageInfo': {
        const flags = pageFlags<RawBuilder<unknown>>(page, sql`${ref(`${totals}.n`)} > ${size}`, (known) => sql`${sql.lit(known)}`)
        const infoValues = item.info.map((info) => {
          switch (info.kind) {
            case 'typename':
              return sql`${lit(info.value)}::text`.as(info.key)
            case 'hasNextPage':
            case 'hasPreviousPage':
              return flags[info.kind].as(info.key)
            case 'startCursor':
              return base64url(sql`${ref(`${totals}.cursors`)}[1]`).as(info.key)
            case 'endCursor':
              return base64url(sql`${ref(`${totals}.cursors`)}[array_length(${ref(`${totals}.cursors`)}, 1)]`).as(info.key)
          }
        })
        const info = build.nextAlias()
        return sql`(select row_to_json(${sql.id(info)}) from (select ${sql.join(infoValues)}) as ${sql.id(info)})`.as(item.key)
      }
      case 'nodes':
      case 'edges': {
        const { costed } = rows.lists.get(index)!
        aggregates.push(
          sql`coalesce(array_to_json(array_agg(${ref(`${pageRowsAlias}.j${index}`)} order by ${ref(`${pageRowsAlias}.n`)} ${shown}) filter (where ${kept})), '[]'::json) as ${sql.id(`j${index}`)}`,
        )
        if (costed) {
          aggregates.push(sql`coalesce(sum(${ref(`${pageRowsAlias}.c${index}`)}) filter (where ${kept}), 0) as ${sql.id(`c${index}`)}`)
          costs.push(ref(`${totals}.c${index}`))
        }
        return ref(`${totals}.j${index}`).as(item.key)
      }
    }
  })
  const object = build.nextAlias()
  return sql`select row_to_json(${sql.id(object)}) as ${sql.id(DATA)}, (${sql.join(costs, sql` + `)})::int as ${sql.id(COST)}
    from (
      select ${sql.join(aggregates)} from (${rows.select}) as ${sql.id(pageRowsAlias)}
    ) as ${sql.id(totals)}
    cross join lateral (select ${sql.join(values)}) as ${sql.id(object)}`
}

function edgeObject(build: Build, resource: Resource, alias: string, order: PageOrder, plan: EdgePlan[]): Built {
  const laterals: RawBuilder<unknown>[] = []
  const costs: RawBuilder<unknown>[] = []
  const values = plan.map((item) => {
    if (item.kind === 'typename') return sql`${lit(item.value)}::text`.as(item.key)
    if (item.kind === 'cursor') return cursorOf(alias, order).as(item.key)
    const node = recordObject(build, resource, alias, item.fields)
    laterals.push(...node.laterals)
    if (node.cost) costs.push(node.cost)
    return node.json.as(item.key)
  })
  const object = build.nextAlias()
  laterals.push(sql`cross join lateral (select ${sql.join(values)}) as ${sql.id(object)}`)
  return { json: sql`row_to_json(${sql.id(object)})`, cost: costs.length ? sql.join(costs, sql` + `) : null, laterals }
}

/** One record by id as its response object, or no row. */
export function recordSql(build: Build, resource: Resource, id: unknown, fields: FieldPlan[]): RawBuilder<unknown> {
  const alias = build.nextAlias()
  const object = recordObject(build, resource, alias, fields)
  const eb = expressionBuilder<any, any>()
  return sql`select ${object.json}::text as ${sql.id(DATA)}, (${object.cost})::int as ${sql.id(COST)}
    from ${sql.table(resource.table)} as ${sql.id(alias)} ${sql.join(object.laterals, sql` `)}
    where ${ref(`${alias}.id`)} = ${id}::bigint and ${rowScope(resource, build.principal, 'INQUIRE', alias)(eb)}`
}

/** A root list's query narrowed to the rows the caller may read (its row scope) and its filter, the rows read as `alias`. */
export const listed = (build: Build, resource: Resource, filter: AppliedFilter) => (alias: string) => (query: AnySelect) =>
  applyFilter(query.where(rowScope(resource, build.principal, 'INQUIRE', alias)), resource, alias, filter)
