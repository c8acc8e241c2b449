import { type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLObjectType, type GraphQLSchema, Kind, type OperationDefinitionNode } from 'graphql'
import { fragmentDirectives, rootFields } from './field-order.js'
import type { RawBuilder } from 'kysely'
import { can } from '../../access/permissions.js'
import type { Context } from '../../context.js'
import { decodeGlobalId } from '../../graphql/global-id.js'
import type { Resource } from '../resource.js'
import type { PageOrder } from './pagination.js'
import { Decline, type Walk, argsOf, connectionPlan, decline, fits, objectType, pageOrDecline, recordPlan } from './response-plan.js'
import { COST, DATA, listSql, recordSql } from './response-sql.js'
import { filterBound, pageBound, pageShape, pageValues } from './compile.js'
import { boundPrincipal, compileRead, principalShape, principalValues } from './statement-cache.js'
import { type ListFilter, appliedFilter } from './statement.js'

/**
 * The pass-through read: a query whose every field the compiler can answer exactly is answered
 * with the JSON PostgreSQL writes, spliced into the response as text (response-sql.ts), never
 * parsed into objects, walked by the executor and written out again. That round trip was most
 * of a large read's CPU. Anything it cannot answer byte for byte as execution would (a field
 * with a resolver of its own, a module the role cannot read, a bad argument, a record not
 * found, an error of any kind) declines, and the request runs the ordinary way, which answers
 * it and its errors. test/records/read/passthrough.test.ts holds both paths to the same bytes.
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

/** One root field as a statement to run, or the literal text of its value. */
type RootAnswer = { key: string; text: string } | { key: string; run: (context: Context) => Promise<{ text: string; cost: number } | null> }

function rootAnswer(walk: Walk, queryType: GraphQLObjectType, key: string, nodes: readonly FieldNode[]): RootAnswer {
  if (!fits(key)) decline()
  const node = nodes[0]!
  if (node.name.value === '__typename') return { key, text: JSON.stringify(queryType.name) }
  const read = roots.get(node.name.value) ?? decline()
  const { field, args } = argsOf(walk, queryType, node)
  const resource = read.resource
  if (!can(walk.principal.permissions, resource.module, 'INQUIRE')) decline()
  const principal = walk.principal
  if (read.kind === 'lookup') {
    const decoded = decodeGlobalId(String(args.id))
    if (decoded.typename !== resource.typeName) decline()
    const fields = recordPlan(walk, resource, objectType(field), nodes)
    const shape = ['pass-one', resource.typeName, principalShape(principal), JSON.stringify(fields)].join('|')
    const values = { ...principalValues(principal), id: decoded.id }
    return {
      key,
      run: (context) =>
        runStatement(context, shape, values, (bound, nextAlias) =>
          recordSql({ db: context.db, principal: boundPrincipal(principal, bound), nextAlias }, resource, bound.id, fields),
        ),
    }
  }
  const filter = read.filter(args.filter as Record<string, unknown> | null | undefined)
  if (filter === 'refused') decline()
  const order: PageOrder = (filter as ListFilter | null)?.updatedSince ? 'sync' : 'id'
  const page = pageOrDecline(args, order)
  const applied = appliedFilter(filter as ListFilter | null)
  const connection = connectionPlan(walk, resource, objectType(field), nodes)
  const values = pageValues(principal, page, applied)
  const shape = ['pass-list', pageShape(resource, order, page, applied, principal), JSON.stringify(connection)].join('|')
  return {
    key,
    run: (context) =>
      runStatement(context, shape, values, (bound, nextAlias) =>
        listSql(
          { db: context.db, principal: boundPrincipal(principal, bound), nextAlias },
          resource,
          { page: pageBound(page, bound), order, plan: connection },
          filterBound(applied, bound),
        ),
      ),
  }
}

async function runStatement<V extends Record<string, unknown>>(
  context: Context,
  shape: string,
  values: V,
  build: (bound: V, nextAlias: () => string) => RawBuilder<unknown>,
): Promise<{ text: string; cost: number } | null> {
  const compiled = compileRead(shape, values, (bound) => {
    let count = 0
    const statement = build(bound, () => `p${++count}`)
    return { compile: () => statement.compile(context.db) }
  })
  const [row] = (await context.db.executeQuery(compiled)).rows as Array<Record<string, unknown>>
  const text = row?.[DATA]
  // No row: the record is not there for this caller, which execution answers as NOT_FOUND.
  return typeof text === 'string' ? { text, cost: Number(row![COST]) } : null
}

/** What the pass-through answers: the response's `data` as JSON text, and its actual cost. */
export interface PassedThrough {
  data: string
  cost: number
}

/**
 * The answer to a query operation, or null when it must run the ordinary way. Never throws: a
 * failure of any kind declines, and execution meets (and reports) it again.
 */
export async function passThrough(input: {
  schema: GraphQLSchema
  document: DocumentNode
  operation: OperationDefinitionNode
  variables: Record<string, unknown>
  context: Context
}): Promise<PassedThrough | null> {
  const { schema, document, operation, variables, context } = input
  const principal = context.principal
  const queryType = schema.getQueryType()
  if (!principal || operation.operation !== 'query' || !queryType) return null
  let answers: RootAnswer[]
  try {
    const fragments: Record<string, FragmentDefinitionNode> = Object.create(null)
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition
    }
    const walk: Walk = { schema, fragments, variables, principal }
    if (fragmentDirectives(operation.selectionSet, fragments)) return null
    answers = [...rootFields({ schema, fragments, variables }, queryType, operation.selectionSet)].map(([key, nodes]) =>
      rootAnswer(walk, queryType, key, nodes),
    )
  } catch (error) {
    if (error instanceof Decline) return null
    throw error
  }
  try {
    const results = await Promise.all(answers.map((answer) => ('text' in answer ? { text: answer.text, cost: 0 } : answer.run(context))))
    if (results.some((result) => result === null)) return null
    let data = '{'
    let cost = 0
    results.forEach((result, index) => {
      data += `${index ? ',' : ''}${JSON.stringify(answers[index]!.key)}:${result!.text}`
      cost += result!.cost
    })
    return { data: `${data}}`, cost }
  } catch {
    return null
  }
}
