import {
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  getArgumentValues,
  getOperationAST,
  getNamedType,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql'
import { collectFields, collectSubfields } from 'graphql/execution/collectFields.js'
import { type FragmentMap, fragmentsOf } from '../../graphql/fragments.js'
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../records/read/pagination.js'

/**
 * The price list of a query, in points (Shopify's model, which partners already know):
 *
 * - an object with an `id` (a record: a job, a contact, a key, an owner…) costs 1;
 * - objects without one (connections, edges, page info, lines, addresses) come with the record
 *   or page that holds them and cost nothing of their own; nor do scalars, enums or `__typename`;
 * - a connection costs 2, plus its page size (`first`/`last`, 25 when absent) times what each of
 *   its items costs; a page of 0 rows still costs what one row would (its statement is built);
 * - `totalCount` costs 1 (it counts every matching row);
 * - `nodes(ids:)` costs what each id's object costs; introspection (`__schema`, `__type`) 1;
 * - each mutation field costs 10 plus what its payload selects;
 * - an operation costs at least 1.
 *
 * One walk serves the limit (before anything runs, with the variables' values: requested cost)
 * and the meter (after, over the data that came back: actual cost, never more than requested).
 */
export const COST = {
  record: 1,
  connection: 2,
  totalCount: 1,
  introspection: 1,
  mutation: 10,
  minimum: 1,
} as const

/**
 * Field selections the estimator walks at most. A document of fragments that fan out costs
 * exponentially many paths to walk; every real query stays far below this, and one over it is
 * refused as too complex rather than walked.
 */
export const MAX_ESTIMATED_SELECTIONS = 20_000

export class EstimateTooLargeError extends Error {}

export interface CostInput {
  schema: GraphQLSchema
  document: DocumentNode
  operationName?: string | null
  /** The operation, when the caller already found it (else it is looked up by operationName). */
  operation?: OperationDefinitionNode | null
  /** Coerced variable values (graphql's getVariableValues). */
  variables: Record<string, unknown>
  /** The execution result's data: given, the cost of what came back; absent, of what was asked. */
  data?: unknown
}

/** Points of one operation; throws EstimateTooLargeError when the document is too large to walk. */
export function queryCost(input: CostInput): number {
  const operation = input.operation ?? getOperationAST(input.document, input.operationName)
  if (!operation) return COST.minimum
  const root = input.schema.getRootType(operation.operation)
  if (!root) return COST.minimum
  const fragments = fragmentsOf(input.document)
  const walk = new CostWalk(input.schema, fragments, input.variables, input.data !== undefined)
  const fields = collectFields(input.schema, fragments, input.variables, root, operation.selectionSet)
  const perField = operation.operation === 'mutation' ? COST.mutation : 0
  let total = 0
  for (const [key, nodes] of fields) {
    total += perField + walk.field(root, nodes, input.data === undefined ? undefined : valueAt(input.data, key))
  }
  return Math.max(COST.minimum, total)
}

/** Requested prices by document, then by the shape of the variables that can change a price. */
const requestedPrices = new WeakMap<DocumentNode, Map<string, number>>()
/** Variable shapes remembered per document: a document sent with ever-new page sizes stops being cached. */
const PRICES_PER_DOCUMENT = 64

/**
 * The requested price (no `data`), remembered per document and variable shape. A price reads
 * variables only through numbers (page sizes), booleans (@skip / @include) and list lengths
 * (`nodes(ids:)`), never through the text of a string, so strings are blanked in the key: a sync
 * sending the same query with a new cursor or id every time is priced once.
 */
export function requestedCost(input: Omit<CostInput, 'data'>): number {
  const key = `${input.operation?.name?.value ?? input.operationName ?? ''}\u0000${variableShape(input.variables)}`
  let prices = requestedPrices.get(input.document)
  const known = prices?.get(key)
  if (known !== undefined) return known
  const price = queryCost(input)
  if (!prices) requestedPrices.set(input.document, (prices = new Map()))
  if (prices.size < PRICES_PER_DOCUMENT) prices.set(key, price)
  return price
}

const blankStrings = (_key: string, value: unknown) => (typeof value === 'string' || typeof value === 'bigint' ? '' : value)

/**
 * The variables with their strings blanked, as text. Variables that are all strings (an id, a
 * cursor: most requests) are just their names, without JSON.stringify's replacer walk; that form
 * starts with a NUL, which JSON text never does, so the two forms cannot meet.
 */
function variableShape(variables: Record<string, unknown>): string {
  let names = '\u0000'
  for (const name in variables) {
    if (typeof variables[name] !== 'string') return JSON.stringify(variables, blankStrings)
    names += `${name},`
  }
  return names
}

const valueAt = (data: unknown, key: string): unknown =>
  data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined

/** What one object of a type costs by itself, and the selections below it that may cost more. */
interface ObjectPlan {
  own: number
  children: Array<{ key: string; nodes: readonly FieldNode[] }>
}

class CostWalk {
  private selections = 0
  /** Plans by merged field nodes and type: the data walk meets the same selections once per row. */
  private readonly plans = new WeakMap<readonly FieldNode[], Map<GraphQLObjectType, ObjectPlan>>()

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: FragmentMap,
    private readonly variables: Record<string, unknown>,
    /** Walking returned data: sizes come from the data, missing values cost nothing. */
    private readonly actual: boolean,
  ) {}

  /** The cost of one response key (its merged field nodes) on a parent of type `parent`. */
  field(parent: GraphQLObjectType, nodes: readonly FieldNode[], value: unknown, pageSize = 1): number {
    // The requested walk goes once per path; a fan-out of fragments makes paths exponential.
    if (!this.actual && ++this.selections > MAX_ESTIMATED_SELECTIONS) throw new EstimateTooLargeError()
    if (this.actual && value == null) return 0
    const name = nodes[0]!.name.value
    if (name === '__schema' || name === '__type') return COST.introspection
    const definition = parent.getFields()[name]
    if (!definition) return 0
    const named = getNamedType(definition.type)
    if (isLeafType(named)) return name === 'totalCount' ? COST.totalCount : 0
    const composite = named as GraphQLCompositeType
    const args = this.actual ? {} : this.argumentsOf(definition, nodes[0]!)
    if (isConnection(definition, composite)) {
      return COST.connection + this.selection(composite, nodes, value, this.actual ? 1 : requestedPageSize(args))
    }
    if (isListType(isNonNullType(definition.type) ? definition.type.ofType : definition.type)) {
      if (this.actual) {
        if (!Array.isArray(value)) return 0
        let sum = 0
        for (const item of value) if (item != null) sum += this.selection(composite, nodes, item, 1)
        return sum
      }
      // `nodes(ids:)` reads one object per id; a connection's nodes and edges one per row of its page.
      const ids = Array.isArray(args.ids) ? args.ids.length : undefined
      return (ids ?? pageSize) * this.selection(composite, nodes, undefined, 1)
    }
    return this.selection(composite, nodes, value, 1)
  }

  /**
   * One object (or, for a connection, its page): 1 when it is a record, plus its selections. An
   * abstract type costs its dearest member when asked, the member that came back when measured.
   */
  private selection(type: GraphQLCompositeType, nodes: readonly FieldNode[], value: unknown, pageSize: number): number {
    let candidates: readonly GraphQLObjectType[] = isAbstractType(type)
      ? this.schema.getPossibleTypes(type)
      : isObjectType(type) ? [type] : []
    if (this.actual && candidates.length > 1) {
      const typename = (value as { __typename?: unknown }).__typename
      const returned = candidates.find((candidate) => candidate.name === typename)
      if (returned) candidates = [returned]
    }
    let dearest = 0
    for (const candidate of candidates) {
      const plan = this.plan(candidate, nodes)
      let cost = plan.own
      for (const child of plan.children) {
        cost += this.field(candidate, child.nodes, this.actual ? valueAt(value, child.key) : undefined, pageSize)
      }
      dearest = Math.max(dearest, cost)
    }
    return dearest
  }

  private plan(type: GraphQLObjectType, nodes: readonly FieldNode[]): ObjectPlan {
    let byType = this.plans.get(nodes)
    if (!byType) this.plans.set(nodes, (byType = new Map()))
    let plan = byType.get(type)
    if (plan) return plan
    const fields = type.getFields()
    plan = { own: 'id' in fields ? COST.record : 0, children: [] }
    for (const [key, childNodes] of collectSubfields(this.schema, this.fragments, this.variables, type, nodes)) {
      const name = childNodes[0]!.name.value
      const definition = fields[name]
      // Scalars and enums cost nothing: the data walk skips them without looking.
      const free = name === '__typename' || (definition !== undefined && isLeafType(getNamedType(definition.type)) && name !== 'totalCount')
      if (!free) plan.children.push({ key, nodes: childNodes })
    }
    byType.set(type, plan)
    return plan
  }

  private argumentsOf(definition: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
    try {
      return getArgumentValues(definition, node, this.variables)
    } catch {
      // A bad argument is execution's to report; it reads nothing.
      return {}
    }
  }
}

/** A Relay connection: paged by `first`/`last`, its rows under `nodes` and `edges`. */
function isConnection(definition: GraphQLField<unknown, unknown>, type: GraphQLCompositeType): boolean {
  return definition.args.some((arg) => arg.name === 'first') && isObjectType(type) && 'nodes' in type.getFields()
}

/** The rows a page may read: the larger of `first` and `last`, the default when neither, at least one. */
function requestedPageSize(args: Record<string, unknown>): number {
  const sizes = [args.first, args.last].filter((size): size is number => typeof size === 'number')
  const size = sizes.length === 0 ? DEFAULT_PAGE_SIZE : Math.max(...sizes)
  return Math.min(MAX_PAGE_SIZE, Math.max(1, size))
}
