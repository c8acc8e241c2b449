import {
  type DocumentNode,
  type FieldNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  Kind,
  type SelectionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
  getNamedType,
  isCompositeType,
  isObjectType,
  parse,
  validate,
} from 'graphql'
import { type Module, type Operation, can } from '../access/permissions.js'
import { type Principal, canAdminister } from '../access/principal.js'
import { badInput, forbidden } from '../graphql/errors.js'
import { type FragmentMap, fragmentsOf } from '../graphql/fragments.js'
import { MAX_PAGE_SIZE } from '../records/read/pagination.js'

/**
 * What a bulk export's query means, worked out once at start: the caller's document checked
 * against the schema and the caller's role, and rewritten into the documents the runner sends
 * through the ordinary GraphQL execution — so every row the export reads passes the same
 * resolvers, compiler and row scope as a paged read, and no second permission filter exists.
 *
 * Each connection is rewritten to `field(…, first: 100, after: $after) { pageInfo { hasNextPage
 * endCursor } nodes { id __typename … } }`, whatever the caller wrote inside it (`nodes`, or
 * `edges { node }`); fragments are inlined, so each rewritten document stands alone.
 */

/** A connection of the export: its rewritten field, and the connections under its nodes. */
export interface ConnectionPlan {
  /** The response name the caller gave it (the JSONL line's parent drops it). */
  key: string
  /** The rewritten field, reading its first page (`first: 100`). */
  field: FieldNode
  children: ConnectionPlan[]
}

/** One root connection: its plan and the document that reads one batch of it. */
export interface RootPlan extends ConnectionPlan {
  document: DocumentNode
}

/** Arguments the export owns: it reads every record, in batches of its own. */
const PAGING_ARGUMENTS = new Set(['first', 'last', 'after', 'before'])
const QUERY_FIELD = 'input.query'
/**
 * Bounds on one batch's size: a root page of 100 with one level of nested pages of 100 is at most
 * 10,000 nodes; a second level would allow a million in one statement. (Shopify's bulk operations
 * bound their queries the same way.)
 */
const MAX_NESTING = 1
const MAX_CONNECTIONS = 5

const refuse = (message: string) => badInput(`query: ${message}`, QUERY_FIELD)

/** Parses, validates and plans an export's query for this caller; throws BAD_USER_INPUT or FORBIDDEN. */
export function planExport(schema: GraphQLSchema, query: string, principal: Principal): RootPlan[] {
  let document: DocumentNode
  try {
    document = parse(query, { maxTokens: 5_000 })
  } catch (error) {
    throw refuse(error instanceof GraphQLError ? error.message : 'not a GraphQL document.')
  }
  const problems = validate(schema, document, undefined, { maxErrors: 5 })
  if (problems.length > 0) throw refuse(problems.map((problem) => problem.message).join(' '))
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)
  if (operations.length !== 1) throw refuse('send exactly one operation.')
  const operation = operations[0]!
  if (operation.operation !== 'query') throw refuse('only a query can be exported; mutations and subscriptions are refused.')
  if ((operation.variableDefinitions?.length ?? 0) > 0) throw refuse('write the values into the query; an export takes no variables.')
  const fragments = fragmentsOf(document)
  const planner = new Planner(schema, fragments, principal)
  const queryType = schema.getQueryType()!
  const roots: RootPlan[] = []
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) throw refuse('name the root connections directly, without fragments.')
    if (selection.name.value === '__typename') continue
    const definition = queryType.getFields()[selection.name.value]!
    planner.checkScope(definition, selection)
    if (!isConnection(getNamedType(definition.type))) {
      throw refuse(`\`${selection.name.value}\` is not a list; an export reads connections such as \`jobs\` or \`contacts\`.`)
    }
    const plan = planner.connection(selection, getNamedType(definition.type) as GraphQLObjectType)
    const document: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [{
        kind: Kind.OPERATION_DEFINITION,
        operation: 'query' as never,
        variableDefinitions: [variable('after', 'String')],
        selectionSet: selectionSet([afterVariable(plan.field)]),
      }],
    }
    const again = validate(schema, document)
    if (again.length > 0) throw refuse(again.map((problem) => problem.message).join(' '))
    roots.push({ ...plan, document })
  }
  if (roots.length === 0) throw refuse('select at least one connection, such as `jobs { nodes { id } }`.')
  if (new Set(roots.map((root) => root.key)).size !== roots.length) throw refuse('give each root connection its own name.')
  return roots
}

/** The document that reads the rest of one nested connection of one parent, after its first page. */
export function followUpDocument(parentType: string, plan: ConnectionPlan): DocumentNode {
  const node: FieldNode = {
    kind: Kind.FIELD,
    name: name('node'),
    arguments: [{ kind: Kind.ARGUMENT, name: name('id'), value: { kind: Kind.VARIABLE, name: name('id') } }],
    selectionSet: selectionSet([
      { kind: Kind.INLINE_FRAGMENT, typeCondition: namedType(parentType), selectionSet: selectionSet([afterVariable(plan.field)]) },
    ]),
  }
  return {
    kind: Kind.DOCUMENT,
    definitions: [{
      kind: Kind.OPERATION_DEFINITION,
      operation: 'query' as never,
      variableDefinitions: [variable('id', 'ID!'), variable('after', 'String')],
      selectionSet: selectionSet([node]),
    }],
  }
}

/** A connection's field reading from `$after` on: only the one a document pages (nested ones start at their first). */
const afterVariable = (field: FieldNode): FieldNode => ({
  ...field,
  arguments: [...(field.arguments ?? []), { kind: Kind.ARGUMENT, name: name('after'), value: { kind: Kind.VARIABLE, name: name('after') } }],
})

/** A Relay connection type of this schema. */
function isConnection(type: unknown): type is GraphQLObjectType {
  return isObjectType(type) && type.name.endsWith('Connection') && 'pageInfo' in type.getFields() && 'nodes' in type.getFields()
}

class Planner {
  /** Connections planned so far, and how deep the one being planned is (its root: 1). */
  private connections = 0
  private depth = 0

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: FragmentMap,
    private readonly principal: Principal,
  ) {}

  /**
   * A field the caller's role does not grant is refused now, with the code a paged read would
   * answer at its path (FORBIDDEN), rather than failing the export half-way.
   */
  checkScope(definition: GraphQLField<unknown, unknown>, node: FieldNode): void {
    const scopes = (definition.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions?.authScopes
    if (!scopes || typeof scopes !== 'object') return
    const { perm, admin } = scopes as { perm?: [Module, Operation]; admin?: boolean }
    const granted = perm ? can(this.principal.permissions, perm[0], perm[1]) : admin ? canAdminister(this.principal) : true
    if (!granted) throw forbidden(`Your security role does not allow \`${node.name.value}\`, so it cannot be exported.`)
  }

  /** Rewrites one connection field, and plans the connections under its nodes. */
  connection(node: FieldNode, type: GraphQLObjectType): ConnectionPlan {
    const paging = node.arguments?.find((argument) => PAGING_ARGUMENTS.has(argument.name.value))
    if (paging) throw refuse(`leave out \`${paging.name.value}\` on \`${node.name.value}\`: an export reads every record.`)
    const nodeType = getNamedType(type.getFields().nodes!.type) as GraphQLObjectType
    const nodeSelections: SelectionNode[] = []
    for (const selection of node.selectionSet?.selections ?? []) {
      if (selection.kind !== Kind.FIELD) throw refuse(`inside \`${node.name.value}\`, select \`nodes\` or \`edges { node }\` without fragments.`)
      if (selection.name.value === 'nodes') nodeSelections.push(...(selection.selectionSet?.selections ?? []))
      if (selection.name.value === 'edges') {
        for (const edge of selection.selectionSet?.selections ?? []) {
          if (edge.kind === Kind.FIELD && edge.name.value === 'node') nodeSelections.push(...(edge.selectionSet?.selections ?? []))
        }
      }
    }
    if (++this.connections > MAX_CONNECTIONS) throw refuse(`an export reads at most ${MAX_CONNECTIONS} connections; split it in two.`)
    const children: ConnectionPlan[] = []
    this.depth++
    const nodes = this.selections(nodeSelections, nodeType, children, true)
    this.depth--
    if (new Set(children.map((child) => child.key)).size !== children.length) {
      throw refuse(`select each connection under \`${node.name.value}\` once.`)
    }
    const rewritten: FieldNode = {
      ...node,
      arguments: [
        ...(node.arguments ?? []),
        { kind: Kind.ARGUMENT, name: name('first'), value: { kind: Kind.INT, value: String(MAX_PAGE_SIZE) } },
      ],
      selectionSet: selectionSet([
        field('pageInfo', [field('hasNextPage'), field('endCursor')]),
        field('nodes', [field('id'), field('__typename'), ...nodes]),
      ]),
    }
    return { key: node.alias?.value ?? node.name.value, field: rewritten, children }
  }

  /**
   * Rewrites the selections on `type`: fragments inlined, connections planned (only directly on a
   * connection's nodes, where a line can name its parent), every field's scope checked.
   */
  private selections(selections: readonly SelectionNode[], type: GraphQLObjectType | null, children: ConnectionPlan[], linesHere: boolean): SelectionNode[] {
    return selections.map((selection): SelectionNode => {
      if (selection.kind === Kind.FRAGMENT_SPREAD || selection.kind === Kind.INLINE_FRAGMENT) {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? this.fragments[selection.name.value]! : selection
        const condition = fragment.typeCondition ? this.schema.getType(fragment.typeCondition.name.value) : type
        const inner = isObjectType(condition) ? condition : null
        return {
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: fragment.typeCondition,
          directives: selection.directives,
          selectionSet: selectionSet(this.selections(fragment.selectionSet.selections, inner, children, linesHere)),
        }
      }
      if (selection.name.value === '__typename' || !type) return selection
      const definition = type.getFields()[selection.name.value]!
      this.checkScope(definition, selection)
      const target = getNamedType(definition.type)
      if (isConnection(target)) {
        if (!linesHere) throw refuse(`\`${selection.name.value}\` is a connection inside an object; export it from a connection's nodes.`)
        if (this.depth > MAX_NESTING) {
          throw refuse(`\`${selection.name.value}\`: connections nest one level deep in an export (\`jobs { nodes { salesOrders { … } } }\`); export deeper ones from their own root.`)
        }
        const plan = this.connection(selection, target)
        children.push(plan)
        return plan.field
      }
      if (!selection.selectionSet || !isCompositeType(target)) return selection
      return {
        ...selection,
        selectionSet: selectionSet(this.selections(selection.selectionSet.selections, isObjectType(target) ? target : null, children, false)),
      }
    })
  }
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const
const namedType = (value: string) => ({ kind: Kind.NAMED_TYPE, name: name(value) }) as const
const selectionSet = (selections: readonly SelectionNode[]): SelectionSetNode => ({ kind: Kind.SELECTION_SET, selections })
const field = (fieldName: string, selections?: SelectionNode[]): FieldNode => ({
  kind: Kind.FIELD,
  name: name(fieldName),
  ...(selections ? { selectionSet: selectionSet(selections) } : {}),
})
function variable(variableName: string, type: 'String' | 'ID!'): VariableDefinitionNode {
  const named = namedType(type.replace('!', ''))
  return {
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: name(variableName) },
    type: type.endsWith('!') ? { kind: Kind.NON_NULL_TYPE, type: named } : named,
  }
}
