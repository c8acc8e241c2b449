import { BREAK, type FieldNode, type GraphQLSchema, visit } from 'graphql'
import { type Kysely, type RawBuilder, expressionBuilder, sql } from 'kysely'
import { can } from '../access/permissions.js'
import type { Principal } from '../access/principal.js'
import type { Resource } from '../records/resource.js'
import { filterBound, pageBound, pageShape, pageValues } from '../records/read/compile.js'
import { fragmentDirectives } from '../records/read/field-order.js'
import { MAX_PAGE_SIZE, type PageOrder, type PageRequest, pageRequest } from '../records/read/pagination.js'
import { listFilterOf, rootRead, runShaped } from '../records/read/passthrough.js'
import { Decline, type FieldPlan, type Walk, argsOf, connectionPlan, decline, objectType } from '../records/read/response-plan.js'
import { globalId } from '../records/read/global-id-sql.js'
import { type Build, childOf, cursorOf, listed, recordObject } from '../records/read/response-sql.js'
import { type AppliedFilter, paginate } from '../records/read/statement.js'
import type { RootPlan } from './export-query.js'

/**
 * The SQL path of an export: one statement per batch of root nodes in which PostgreSQL writes the
 * batch's JSONL itself — each root node's line, each child of a nested connection as its own line
 * with `__parentId` after its parent — so Node only appends the text to the file. The lines are
 * the pass-through read's objects (response-plan.ts plans them, response-sql.ts writes them), so
 * ids, money, dates and key order are what a paged read answers, and the rows are the paged read's
 * (the list's row scope and filter at the root, the relation's row scope under each parent).
 * A root the pass-through cannot answer exactly is null here, and run-export.ts reads it through
 * GraphQL execution instead; test/exports/export-paths.test.ts holds the two to the same bytes.
 */

/** One root connection as the SQL path reads it. */
export interface SqlRoot {
  resource: Resource
  order: PageOrder
  filter: AppliedFilter
  /** A root node's line: its fields without its nested connections. */
  fields: FieldPlan[]
  /** Each nested connection, by relation: its nodes' lines, in id order (as its pages are read). */
  children: Array<{ relation: string; fields: FieldPlan[] }>
  /** `fields` and `children` as text, for the statement's shape: made once per plan, not per batch. */
  planText: string
}

/**
 * One batch: each root node's lines (its own, then its children's, each ending in a newline) as
 * one text, how many, and where the next batch starts. A text per root node, not per batch: a
 * batch is ~1 MB of text, and strings that large wait in V8's large-object space for a full
 * collection, where a node's few KiB go with the young generation.
 */
export interface SqlBatch {
  nodes: Array<{ lines: string; objects: number }>
  /** Whether its statement ran ahead, while the batch before it was written. */
  readAhead?: boolean
  more: boolean
  endCursor: string | null
}

/**
 * Plans `root` (as export-query.ts rewrote it) for the SQL path, or null. `jitOrder`: the
 * fallback executes with graphql-jit, whose key order the plan follows (field-order.ts); under
 * graphql-js a fragment may order keys otherwise, so fragments then decline.
 */
export function planSqlRoot(schema: GraphQLSchema, principal: Principal, root: RootPlan, jitOrder: boolean): SqlRoot | null {
  const queryType = schema.getQueryType()
  const read = rootRead(root.field.name.value)
  const selections = root.field.selectionSet!
  if (!queryType || read?.kind !== 'list' || fragmentDirectives(selections, {})) return null
  if (!jitOrder && hasFragment(root.field)) return null
  // A role without the module: execution answers FORBIDDEN, and the fallback fails the export with it.
  if (!can(principal.permissions, read.resource.module, 'INQUIRE')) return null
  const walk: Walk = { schema, fragments: {}, variables: {}, principal }
  try {
    const { field, args } = argsOf(walk, queryType, root.field)
    const listed = listFilterOf(read, args.filter)
    if (!listed) return null
    const nodes = connectionPlan(walk, read.resource, objectType(field), [root.field]).find((item) => item.kind === 'nodes') ?? decline()
    const children: SqlRoot['children'] = []
    const fields: FieldPlan[] = []
    for (const plan of (nodes as { fields: FieldPlan[] }).fields) {
      if (plan.kind !== 'many') {
        fields.push(plan)
        continue
      }
      const childNodes = plan.connection.find((item) => item.kind === 'nodes') ?? decline()
      const childFields = (childNodes as { fields: FieldPlan[] }).fields
      // A child's own key `__parentId` would be written twice; one nesting level only (export-query.ts).
      if (childFields.some((child) => child.key === '__parentId' || child.kind === 'many')) decline()
      children.push({ relation: plan.relation, fields: childFields })
    }
    return { resource: read.resource, order: listed.order, filter: listed.applied, fields, children, planText: JSON.stringify([fields, children]) }
  } catch (error) {
    if (error instanceof Decline) return null
    throw error
  }
}

function hasFragment(field: FieldNode): boolean {
  let found = false
  visit(field, {
    InlineFragment: () => {
      found = true
      return BREAK
    },
  })
  return found
}

/**
 * Reads a root's batches one ahead: while a batch is written and its progress saved, the next
 * one's statement already runs on another connection (where it starts, this batch's end, is read
 * first with a cheap keyset query). PostgreSQL's JSON is what an export waits for
 * (docs/export.md), so two statements at once use a second core; on PGlite they simply queue.
 */
export class SqlBatchReader {
  private ahead: { root: SqlRoot; teamId: string | null; after: string; batch: Promise<SqlBatch> } | null = null

  constructor(private readonly db: Kysely<any>) {}

  /** The batch of `root` after `after` (a cursor as the fallback's endCursor writes it), as `principal`. */
  async read(principal: Principal, root: SqlRoot, after: string | null): Promise<SqlBatch> {
    const ahead = this.ahead
    this.ahead = null
    // Read ahead for the same plan (the role's levels) and team, or it is read again as the principal now stands.
    const batch = quiet(ahead && ahead.root === root && ahead.teamId === principal.teamId && ahead.after === after
      ? ahead.batch.then((read) => ({ ...read, readAhead: true }))
      : readBatch(this.db, principal, root, after))
    const [end] = await runStatement(this.db, principal, root, after, 'export-end', endSql)
    if (end) this.ahead = { root, teamId: principal.teamId, after: end.cursor, batch: quiet(readBatch(this.db, principal, root, end.cursor)) }
    return batch
  }
}

/**
 * A batch may never be awaited (read ahead and not used, or its end's query failed first): its
 * failure is met by whoever awaits it, or by no one.
 */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {})
  return promise
}

async function readBatch(db: Kysely<any>, principal: Principal, root: SqlRoot, after: string | null): Promise<SqlBatch> {
  const rows = await runStatement(db, principal, root, after, 'export-batch', batchSql)
  const last = rows.at(-1)
  return { nodes: rows, more: Number(last?.rows ?? 0) > MAX_PAGE_SIZE, endCursor: last?.cursor ?? null }
}

type Statement = (build: Build, root: SqlRoot, page: PageRequest, filter: AppliedFilter) => RawBuilder<unknown>

async function runStatement(db: Kysely<any>, principal: Principal, root: SqlRoot, after: string | null, kind: string, statement: Statement) {
  const page = pageRequest({ first: MAX_PAGE_SIZE, after }, root.order)
  return runShaped<{ lines: string; objects: number; cursor: string; rows: number }>(db, principal, {
    shape: [kind, pageShape(root.resource, root.order, page, root.filter, principal), root.planText].join('|'),
    values: pageValues(principal, page, root.filter),
    aliasPrefix: 'e',
    build: (build, bound) => statement(build, root, pageBound(page, bound as never), filterBound(root.filter, bound as never)),
  })
}

/** The page's root rows in reading order, numbered (one more than the page: whether another follows), as a CTE. */
function numberedPage(build: Build, root: SqlRoot, page: PageRequest, filter: AppliedFilter) {
  const { resource, order } = root
  const rows = build.nextAlias()
  const scoped = listed(build, resource, filter)(rows)(build.db.selectFrom(`${resource.table} as ${rows}`).selectAll(rows))
  const numberOrder = order === 'sync' ? sql`${ref(`${rows}.updated_at`)}, ${ref(`${rows}.id`)}` : ref(`${rows}.id`)
  const paged = build.nextAlias()
  const cte = sql`with ${sql.id(paged)} as (select ${ref(rows)}.*, row_number() over (order by ${numberOrder}) as n from (${paginate(scoped, rows, page, order)}) as ${sql.id(rows)})`
  return { paged, cte }
}

/** The cursor of the page's last row when another page follows, or no row. */
function endSql(build: Build, root: SqlRoot, page: PageRequest, filter: AppliedFilter): RawBuilder<unknown> {
  const { paged, cte } = numberedPage(build, root, page, filter)
  const last = build.nextAlias()
  const size = sql.lit(page.size)
  return sql`${cte} select ${cursorOf(last, root.order)} as cursor from ${sql.id(paged)} as ${sql.id(last)}
    where ${ref(`${last}.n`)} = ${size} and exists (select from ${sql.id(paged)} where n > ${size})`
}

const ref = (name: string) => sql.ref(name)

/**
 * The batch: the page's root rows numbered in reading order (one more read, to learn whether
 * another batch follows); for each kept row, in that order, its line and its children's lines
 * as one text, and its cursor.
 */
function batchSql(build: Build, root: SqlRoot, page: PageRequest, filter: AppliedFilter): RawBuilder<unknown> {
  const { resource, order } = root
  const { paged, cte } = numberedPage(build, root, page, filter)
  const node = build.nextAlias()
  const line = recordObject(build, resource, node, root.fields)
  const parentId = globalId(resource.typeName, node)
  const eb = expressionBuilder<any, any>()
  const parts: RawBuilder<unknown>[] = [sql`select 0 as part, 0::bigint as child, ${line.json}::text as line`]
  root.children.forEach((child, index) => {
    const relation = resource.relations[child.relation]!
    if (relation.kind !== 'many') throw new Error(`${resource.typeName}.${child.relation} is not a to-many relation`)
    const target = relation.target()
    const alias = build.nextAlias()
    const object = recordObject(build, target, alias, child.fields)
    // The child's object with its parent's id as its last key, as the fallback's line gets it.
    parts.push(sql`select ${sql.lit(index + 1)}, ${ref(`${alias}.id`)}::bigint, left(${object.json}::text, -1) || ',"__parentId":"' || ${parentId} || '"}'
      from ${sql.table(target.table)} as ${sql.id(alias)} ${sql.join(object.laterals, sql` `)}
      where ${childOf(build, resource, node, relation)(alias)(eb)}`)
  })
  const size = sql.lit(page.size)
  // Grouped by root node: min() of its cursor is its cursor (every row of a group is that node's).
  return sql`${cte}
    select string_agg(${ref('l.line')} || chr(10), '' order by ${ref('l.part')}, ${ref('l.child')}) as lines, count(*)::int as objects,
      min(${cursorOf(node, order)}) as cursor, (select count(*)::int from ${sql.id(paged)}) as rows
    from ${sql.id(paged)} as ${sql.id(node)} ${sql.join(line.laterals, sql` `)}
    cross join lateral (${sql.join(parts, sql` union all `)}) as l
    where ${ref(`${node}.n`)} <= ${size}
    group by ${ref(`${node}.n`)}
    order by ${ref(`${node}.n`)}`
}
