import type { DocumentNode, FieldNode, GraphQLObjectType, GraphQLSchema, OperationDefinitionNode } from 'graphql'
import { LRUCache } from 'lru-cache'
import { fragmentDirectives, rootFields } from './field-order.js'
import type { Kysely, RawBuilder } from 'kysely'
import { can } from '../../access/permissions.js'
import type { Principal } from '../../access/principal.js'
import type { Context } from '../../context.js'
import { fragmentsOf } from '../../graphql/fragments.js'
import { jitTakes } from '../../graphql/jit-takes.js'
import { decodeGlobalId } from '../../graphql/global-id.js'
import type { Resource } from '../resource.js'
import type { PageOrder } from './pagination.js'
import { Decline, type Walk, argsOf, connectionPlan, decline, fits, objectType, pageOrDecline, recordPlan } from './response-plan.js'
import { COST, DATA, recordSql } from './response-sql.js'
import { type Answered, listRowsSql, rootPage } from './root-page.js'
import { filterBound, pageBound, pageShape, pageValues } from './compile.js'
import { type ReadValues, boundPrincipal, compileRead, principalShape, principalValues } from './statement-cache.js'
import { type AppliedFilter, type ListFilter, type StatementScope, appliedFilter } from './statement.js'

/**
 * The pass-through read: a query whose every field the compiler can answer exactly is answered
 * with the JSON PostgreSQL writes, spliced into the response as text (response-sql.ts), never
 * parsed into objects, walked by the executor and written out again. That round trip was most
 * of a large read's CPU. Anything it cannot answer byte for byte as execution would (a field
 * with a resolver of its own, a module the role cannot read, a bad argument, a record not
 * found, an error of any kind) declines, and the request runs the ordinary way, which answers
 * it and its errors. test/records/read/read-property.test.ts holds both paths to the same bytes.
 */

/** A root read the pass-through answers, as the root fields register it (fields/root-fields.ts). */
export type RootRead =
  | {
      kind: 'list'
      resource: Resource
      /** The list's filter argument as the resolver reads it, or null when it would refuse it. */
      filter(raw: Record<string, unknown> | null | undefined): ListFilter | null | 'refused'
    }
  | { kind: 'lookup'; resource: Resource }

const roots = new Map<string, RootRead>()

/** Called where the root fields are defined, so the two cannot disagree on what a field reads. */
export function registerRootRead(fieldName: string, read: RootRead): void {
  roots.set(fieldName, read)
}

/** The read registered for a root field (bulk exports plan their batches from it too). */
export const rootRead = (fieldName: string): RootRead | undefined => roots.get(fieldName)

/** One root field, planned: a statement of a known shape. */
interface PlannedRoot {
  key: string
  /** The statement's shape: everything about it but its values (statement-cache.ts). */
  shape: string
  /** The statement's values for a caller of the shape it was planned for. */
  values(principal: Principal): ReadValues
  build(scope: StatementScope, bound: ReadValues): RawBuilder<unknown>
  /** The field's value (JSON text in parts) and cost from the statement's rows; null when there is none (not found). */
  answer(rows: ReadonlyArray<Record<string, unknown>>): Answered | null
}

function planRoot(walk: Walk, queryType: GraphQLObjectType, key: string, nodes: readonly FieldNode[]): PlannedRoot {
  if (!fits(key)) decline()
  const node = nodes[0]!
  const read = roots.get(node.name.value) ?? decline()
  const { field, args } = argsOf(walk, queryType, node)
  const resource = read.resource
  if (!can(walk.principal.permissions, resource.module, 'INQUIRE')) decline()
  if (read.kind === 'lookup') {
    const decoded = decodeGlobalId(String(args.id))
    if (decoded.typename !== resource.typeName) decline()
    const fields = recordPlan(walk, resource, objectType(field), nodes)
    return {
      key,
      shape: ['pass-one', resource.typeName, principalShape(walk.principal), JSON.stringify(fields)].join('|'),
      values: (principal) => ({ ...principalValues(principal), id: decoded.id }),
      build: (scope, bound) => recordSql(scope, resource, bound.id, fields),
      answer: oneRecord,
    }
  }
  const { order, applied } = listFilterOf(read, args.filter) ?? decline()
  const page = pageOrDecline(args, order)
  const connection = connectionPlan(walk, resource, objectType(field), nodes)
  return {
    key,
    shape: ['pass-list', pageShape(resource, order, page, applied, walk.principal), JSON.stringify(connection)].join('|'),
    values: (principal) => pageValues(principal, page, applied),
    build: (scope, bound) =>
      listRowsSql(scope, resource, { page: pageBound(page, bound as never), order, plan: connection }, filterBound(applied, bound as never)),
    answer: (rows) => rootPage(connection, page, rows),
  }
}

/** A root list's filter argument as the list reads it (its order and applied filter), or null where the list refuses it. */
export function listFilterOf(read: Extract<RootRead, { kind: 'list' }>, raw: unknown): { order: PageOrder; applied: AppliedFilter } | null {
  const filter = read.filter(raw as Record<string, unknown> | null | undefined)
  if (filter === 'refused') return null
  return { order: filter?.updatedSince ? 'sync' : 'id', applied: appliedFilter(filter) }
}

/**
 * Runs a statement of `shape` for `principal`: compiled once per shape (statement-cache.ts), built
 * with the caller's values bound and table aliases `${aliasPrefix}1`, `${aliasPrefix}2`….
 */
export async function runShaped<Row>(
  db: Kysely<any>,
  principal: Principal,
  statement: { shape: string; values: ReadValues; aliasPrefix: string; build(scope: StatementScope, bound: ReadValues): RawBuilder<unknown> },
): Promise<Row[]> {
  const compiled = compileRead(statement.shape, statement.values, (bound) => {
    let count = 0
    const scope: StatementScope = { db, principal: boundPrincipal(principal, bound as never), nextAlias: () => `${statement.aliasPrefix}${++count}` }
    const built = statement.build(scope, bound)
    return { compile: () => built.compile(db) }
  })
  return (await db.executeQuery(compiled)).rows as Row[]
}

/** A lookup's one row; none when the record is not there for this caller, which execution answers as NOT_FOUND. */
function oneRecord([row]: ReadonlyArray<Record<string, unknown>>): Answered | null {
  const text = row?.[DATA]
  return typeof text === 'string' ? { parts: [text], cost: Number(row![COST]) } : null
}

/** Runs a planned statement for the request's caller: its rows. */
function runRoot(context: Context, principal: Principal, root: PlannedRoot): Promise<Array<Record<string, unknown>>> {
  return runShaped<Record<string, unknown>>(context.db, principal, { shape: root.shape, values: root.values(principal), aliasPrefix: 'p', build: root.build })
}

type Planned = readonly PlannedRoot[] | 'declines'

/**
 * Plans are kept per operation (yoga's parse cache hands every request of a document the same
 * nodes), by the variables and the caller's shape: the plan depends on nothing else, and a
 * caller's own values (business, member, team) are filled in per request by `values`. A query
 * that declines is remembered as declining, so it is not planned again either. One cache for
 * the process, bounded by the characters its keys and shapes hold (a plan's objects grow with its
 * shape's text), as statement-cache.ts bounds compiled statements: a paged operation makes a new
 * key per cursor, and those keys must not outgrow the heap.
 */
const PLAN_BUDGET_CHARS = 4_000_000
const plans = new LRUCache<string, Planned>({
  maxSize: PLAN_BUDGET_CHARS,
  sizeCalculation: (planned, key) => key.length + (planned === 'declines' ? 0 : planned.reduce((sum, root) => sum + 2 * root.shape.length, 0)) + 1,
})
const operationIds = new WeakMap<OperationDefinitionNode, number>()
let nextOperationId = 0
/** Counted for the tests, which check that requests were in fact answered from kept plans. */
export const planCacheStats = { hits: 0, misses: 0 }
/** Variables longer than this as JSON are planned every time rather than made into a key. */
const PLAN_KEY_MAX = 4_096

function planKey(operation: OperationDefinitionNode, principal: Principal, variables: Record<string, unknown>): string | null {
  let json: string
  try {
    json = JSON.stringify(variables)
  } catch {
    return null
  }
  if (json.length > PLAN_KEY_MAX) return null
  let id = operationIds.get(operation)
  if (id === undefined) operationIds.set(operation, (id = nextOperationId++))
  return `${id}|${principalShape(principal)}|${json}`
}

function plan(input: PassThroughInput, principal: Principal, queryType: GraphQLObjectType): Planned {
  const { schema, document, operation, variables } = input
  const key = planKey(operation, principal, variables)
  const known = key === null ? undefined : plans.get(key)
  if (known) {
    planCacheStats.hits++
    return known
  }
  planCacheStats.misses++
  let planned: Planned
  try {
    const fragments = fragmentsOf(document)
    const walk: Walk = { schema, fragments, variables, principal }
    // Only what graphql-jit runs: the fields are written in its key order (field-order.ts), and the
    // lean lane, which asks, serves nothing else. A document jit does not take (a root __typename,
    // introspection) runs on graphql-js, whose order differs.
    planned = !jitTakes(document) || fragmentDirectives(operation.selectionSet, fragments)
      ? 'declines'
      : [...rootFields({ schema, fragments, variables }, queryType, operation.selectionSet)].map(([name, nodes]) => planRoot(walk, queryType, name, nodes))
  } catch (error) {
    planned = 'declines'
    // A planner bug is thrown once, for the lane to log; the same request later just declines.
    if (!(error instanceof Decline)) {
      if (key !== null) plans.set(key, planned)
      throw error
    }
  }
  if (key !== null) plans.set(key, planned)
  return planned
}

/**
 * What the pass-through answers: the response's `data` as JSON text, in parts to be written one
 * after the other (a large page is never joined into one string), and its actual cost.
 */
export interface PassedThrough {
  parts: string[]
  cost: number
}

/** What the pass-through reads: an operation already validated, with its variables coerced. */
export interface PassThroughInput {
  schema: GraphQLSchema
  document: DocumentNode
  operation: OperationDefinitionNode
  variables: Record<string, unknown>
  context: Context
}

/**
 * The answer to a query operation, or null when it must run the ordinary way. A decline while
 * planning, or a failure while running the statements, is null: execution meets (and reports) it
 * again. Any other error while planning or writing the answer from the rows is a bug of ours and
 * is thrown, for the caller to log, rather than hidden behind a silent fallback.
 */
export async function passThrough(input: PassThroughInput): Promise<PassedThrough | null> {
  const principal = input.context.principal
  const queryType = input.schema.getQueryType()
  if (!principal || input.operation.operation !== 'query' || !queryType) return null
  const answers = plan(input, principal, queryType)
  if (answers === 'declines') return null
  const context = input.context
  let rows: Array<Array<Record<string, unknown>>>
  try {
    rows = await Promise.all(answers.map((answer) => runRoot(context, principal, answer)))
  } catch {
    // A statement failed (the database, the deadline): execution meets it again and reports it.
    return null
  }
  // Writing the answer from the rows is ours alone: a bug there is thrown for the lane to log.
  const results = answers.map((answer, index) => answer.answer(rows[index]!))
  if (results.some((result) => result === null)) return null
  const parts: string[] = ['{']
  let cost = 0
  results.forEach((result, index) => {
    parts.push(`${index ? ',' : ''}${JSON.stringify(answers[index]!.key)}:`, ...result!.parts)
    cost += result!.cost
  })
  parts.push('}')
  return { parts, cost }
}
