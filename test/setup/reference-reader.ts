import {
  type DirectiveNode, type DocumentNode, type FieldNode, type FragmentDefinitionNode, Kind, type OperationDefinitionNode,
  type SelectionSetNode, valueFromASTUntyped,
} from 'graphql'
import type { Kysely } from 'kysely'
import { decodeGlobalId, encodeGlobalId } from '../../src/graphql/global-id.js'
import { LINE_COLUMNS, PLAIN_TYPES, RECORD_TYPES, ROOT_LISTS, ROOT_LOOKUPS, type TypeName, isTypeName } from './reference-records.js'
import {
  type Page, type ReferencePrincipal, type Row, cursorOf, inquireLevel, linesOf, pageOf, principalRow, readableRecord,
} from './reference-sql.js'

/**
 * An independent reference reader for Gatehouse's read path: given a principal and a query
 * document over the record types (root lists, lookups, node, nodes and every relation), it answers
 * what the contract says the answer is, with plain per-record SQL and its own walk of the document
 * (fragments, inline fragments, @skip / @include, aliases, field merging as the GraphQL spec
 * defines them). It shares nothing with the product's compiler: not the selection parser, not the
 * row filters, not the statement builder. Only global ids (src/graphql/global-id.ts) are the
 * product's, since they are the wire format.
 *
 * The contract it answers to (docs/contract.md, README "The permission model"): a field the role
 * does not grant is null with FORBIDDEN at its path and the rest of the answer stands (root lists
 * included); a lookup, `node` or `nodes` item the caller may not see, of another business or that
 * never existed is null with NOT_FOUND; rows out of scope are simply not in lists or counts.
 */

export type { ReferencePrincipal } from './reference-sql.js'
export type ResponsePath = Array<string | number>
export interface ExpectedError {
  path: ResponsePath
  code: 'FORBIDDEN' | 'NOT_FOUND'
}
export interface ReferenceAnswer {
  data: Record<string, unknown>
  /** In the order the reference met them (a depth-first walk); compare them as a set. */
  errors: ExpectedError[]
}

interface Walk {
  db: Kysely<any>
  principal: ReferencePrincipal
  variables: Record<string, unknown>
  fragments: Map<string, FragmentDefinitionNode>
  errors: ExpectedError[]
}

type Fields = Map<string, FieldNode[]>

/** The expected answer (data and errors) of a query document for a principal. */
export async function referenceAnswer(
  db: Kysely<any>,
  principal: ReferencePrincipal,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
  operationName?: string,
): Promise<ReferenceAnswer> {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0]
  if (!operation || operation.operation !== 'query') throw new Error('reference: only a query operation is answered')
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  )
  const walk: Walk = { db, principal, variables, fragments, errors: [] }
  const data: Record<string, unknown> = {}
  for (const [key, nodes] of collect(walk, [operation.selectionSet], 'Query')) data[key] = await rootField(walk, key, nodes)
  return { data, errors: walk.errors }
}

/** The paths of the FORBIDDEN errors of an answer, as strings (for set comparisons). */
export const forbiddenPaths = (answer: ReferenceAnswer) =>
  answer.errors.filter((error) => error.code === 'FORBIDDEN').map((error) => error.path.join('.'))

// --- The document: which fields a selection asks of an object of a given type ------------------

/** The fields selected on an object of `typeName`, grouped by response name, in document order. */
function collect(walk: Walk, sets: readonly SelectionSetNode[], typeName: string): Fields {
  const fields: Fields = new Map()
  const visited = new Set<string>()
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (!included(walk, selection.directives)) continue
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value
        fields.set(key, [...(fields.get(key) ?? []), selection])
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || applies(selection.typeCondition.name.value, typeName)) visit(selection.selectionSet)
      } else {
        const name = selection.name.value
        if (visited.has(name)) continue
        visited.add(name)
        const fragment = walk.fragments.get(name)
        if (!fragment) throw new Error(`reference: unknown fragment ${name}`)
        if (applies(fragment.typeCondition.name.value, typeName)) visit(fragment.selectionSet)
      }
    }
  }
  sets.forEach(visit)
  return fields
}

/** The merged sub-selection of one response name. */
const subfields = (walk: Walk, nodes: readonly FieldNode[], typeName: string) =>
  collect(walk, nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : [])), typeName)

/** A type condition holds for the type itself, and `Node` for every record type (they all implement it). */
const applies = (condition: string, typeName: string) => condition === typeName || (condition === 'Node' && isTypeName(typeName))

function included(walk: Walk, directives: readonly DirectiveNode[] | undefined): boolean {
  for (const directive of directives ?? []) {
    const condition = directive.arguments?.find((argument) => argument.name.value === 'if')
    const value = condition ? valueFromASTUntyped(condition.value, walk.variables) : undefined
    if (directive.name.value === 'skip' && value === true) return false
    if (directive.name.value === 'include' && value !== true) return false
  }
  return true
}

function argumentsOf(walk: Walk, node: FieldNode): Record<string, any> {
  return Object.fromEntries((node.arguments ?? []).map((argument) => [argument.name.value, valueFromASTUntyped(argument.value, walk.variables)]))
}

// --- Answers --------------------------------------------------------------------------------

function refuse(walk: Walk, path: ResponsePath, code: ExpectedError['code']): null {
  walk.errors.push({ path, code })
  return null
}

async function rootField(walk: Walk, key: string, nodes: FieldNode[]): Promise<unknown> {
  const name = nodes[0]!.name.value
  const args = argumentsOf(walk, nodes[0]!)
  const path = [key]
  if (name === '__typename') return 'Query'
  const listType = ROOT_LISTS[name]
  if (listType) {
    if (inquireLevel(walk.principal, listType) === 'NONE') return refuse(walk, path, 'FORBIDDEN')
    const page = await pageOf(walk.db, walk.principal, { type: listType, filter: args.filter }, args)
    return connection(walk, page, nodes, path)
  }
  const lookupType = ROOT_LOOKUPS[name]
  if (lookupType) {
    if (inquireLevel(walk.principal, lookupType) === 'NONE') return refuse(walk, path, 'FORBIDDEN')
    const { typename, id } = decodeGlobalId(String(args.id))
    const row = typename === lookupType ? await readableRecord(walk.db, walk.principal, lookupType, id) : undefined
    return row ? record(walk, lookupType, row, nodes, path) : refuse(walk, path, 'NOT_FOUND')
  }
  if (name === 'node') return node(walk, String(args.id), nodes, path)
  if (name === 'nodes') {
    const answers: unknown[] = []
    for (const [index, id] of (args.ids as string[]).entries()) answers.push(await node(walk, id, nodes, [...path, index]))
    return answers
  }
  throw new Error(`reference: root field ${name} is not part of the read path it answers`)
}

/** `node(id)` and each item of `nodes(ids)`: a record of a type the role does not grant is FORBIDDEN. */
async function node(walk: Walk, globalId: string, nodes: FieldNode[], path: ResponsePath): Promise<unknown> {
  const { typename, id } = decodeGlobalId(globalId)
  if (!isTypeName(typename)) return refuse(walk, path, 'NOT_FOUND')
  if (inquireLevel(walk.principal, typename) === 'NONE') return refuse(walk, path, 'FORBIDDEN')
  const row = await readableRecord(walk.db, walk.principal, typename, id)
  return row ? record(walk, typename, row, nodes, path) : refuse(walk, path, 'NOT_FOUND')
}

async function record(walk: Walk, type: TypeName, row: Row, nodes: FieldNode[], path: ResponsePath): Promise<Record<string, unknown>> {
  const answer: Record<string, unknown> = {}
  for (const [key, fieldNodes] of subfields(walk, nodes, type)) {
    answer[key] = await recordField(walk, type, row, fieldNodes, [...path, key])
  }
  return answer
}

async function recordField(walk: Walk, type: TypeName, row: Row, nodes: FieldNode[], path: ResponsePath): Promise<unknown> {
  const name = nodes[0]!.name.value
  if (name === '__typename') return type
  const rule = RECORD_TYPES[type].fields[name]
  if (!rule) throw new Error(`reference: ${type}.${name} is not a field it knows`)
  switch (rule.kind) {
    case 'id':
      return encodeGlobalId(type, row.id)
    case 'value':
      return row[rule.column] ?? null
    case 'datetime':
      return new Date(Number(row[rule.column])).toISOString()
    case 'full name':
      return [row.first_name, row.last_name].filter(Boolean).join(' ')
    case 'objects':
      return (row[rule.column] as Row[]).map((item) => plainObject(walk, item, nodes, rule.typeName, (field) => field))
    case 'lines': {
      const lines = await linesOf(walk.db, rule.table, rule.column, rule.price.column, row)
      const columnOf = (field: string) => (field === rule.price.field ? rule.price.column : LINE_COLUMNS[field])
      return lines.map((line) => plainObject(walk, line, nodes, rule.typeName, columnOf))
    }
    case 'owner': {
      const owner = row[rule.column] == null ? undefined : await principalRow(walk.db, String(row.business_id), String(row[rule.column]))
      if (!owner) return null
      const value = {
        id: encodeGlobalId(owner.kind === 'USER' ? 'User' : 'ApiMember', owner.id),
        kind: owner.kind,
        name: owner.name,
        team: owner.team_id === null ? null : { id: encodeGlobalId('Team', owner.team_id), name: owner.team_name },
      }
      return plainObject(walk, value, nodes, 'RecordOwner', (field) => field)
    }
    case 'one': {
      if (inquireLevel(walk.principal, rule.target) === 'NONE') return refuse(walk, path, 'FORBIDDEN')
      const id = row[rule.column]
      const target = id == null ? undefined : await readableRecord(walk.db, walk.principal, rule.target, String(id))
      return target ? record(walk, rule.target, target, nodes, path) : null
    }
    case 'many': {
      if (inquireLevel(walk.principal, rule.target) === 'NONE') return refuse(walk, path, 'FORBIDDEN')
      const source = { type: rule.target, parent: { column: rule.column, id: String(row.id) } }
      return connection(walk, await pageOf(walk.db, walk.principal, source, argumentsOf(walk, nodes[0]!)), nodes, path)
    }
  }
}

/** A plain object type (ContactPoint, PostalAddress, order lines, owners): fields straight from a value. */
function plainObject(
  walk: Walk,
  value: Row,
  nodes: FieldNode[],
  typeName: string,
  keyOf: (field: string) => string | undefined,
): Record<string, unknown> {
  const answer: Record<string, unknown> = {}
  for (const [key, fieldNodes] of subfields(walk, nodes, typeName)) {
    const name = fieldNodes[0]!.name.value
    if (name === '__typename') {
      answer[key] = typeName
      continue
    }
    const column = keyOf(name)
    if (column === undefined) throw new Error(`reference: ${typeName}.${name} is not a field it knows`)
    const nestedType = PLAIN_TYPES[typeName]?.[name]
    const nested = value[column] ?? null
    answer[key] = nestedType && nested !== null ? plainObject(walk, nested, fieldNodes, nestedType, (field) => field) : nested
  }
  return answer
}

async function connection(walk: Walk, page: Page, nodes: FieldNode[], path: ResponsePath): Promise<Record<string, unknown>> {
  const type = page.type
  const answer: Record<string, unknown> = {}
  for (const [key, fieldNodes] of subfields(walk, nodes, `${type}Connection`)) {
    const name = fieldNodes[0]!.name.value
    const here = [...path, key]
    if (name === '__typename') answer[key] = `${type}Connection`
    else if (name === 'totalCount') answer[key] = await page.count()
    else if (name === 'pageInfo') answer[key] = pageInfo(walk, page, fieldNodes)
    else if (name === 'nodes') {
      const list: unknown[] = []
      for (const [index, row] of page.rows.entries()) list.push(await record(walk, type, row, fieldNodes, [...here, index]))
      answer[key] = list
    } else if (name === 'edges') {
      const list: unknown[] = []
      for (const [index, row] of page.rows.entries()) {
        const edge: Record<string, unknown> = {}
        for (const [edgeKey, edgeNodes] of subfields(walk, fieldNodes, `${type}Edge`)) {
          const edgeField = edgeNodes[0]!.name.value
          if (edgeField === '__typename') edge[edgeKey] = `${type}Edge`
          else if (edgeField === 'cursor') edge[edgeKey] = cursorOf(page.order, row)
          else if (edgeField === 'node') edge[edgeKey] = await record(walk, type, row, edgeNodes, [...here, index, edgeKey])
          else throw new Error(`reference: ${type}Edge.${edgeField} is not a field it knows`)
        }
        list.push(edge)
      }
      answer[key] = list
    } else throw new Error(`reference: ${type}Connection.${name} is not a field it knows`)
  }
  return answer
}

function pageInfo(walk: Walk, page: Page, nodes: FieldNode[]): Record<string, unknown> {
  const first = page.rows[0]
  const last = page.rows[page.rows.length - 1]
  const values: Record<string, unknown> = {
    __typename: 'PageInfo',
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: first ? cursorOf(page.order, first) : null,
    endCursor: last ? cursorOf(page.order, last) : null,
  }
  return plainObject(walk, values, nodes, 'PageInfo', (field) => (field in values ? field : undefined))
}
