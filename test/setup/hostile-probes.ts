import {
  type DocumentNode, type GraphQLField, type GraphQLInputType, type GraphQLOutputType, type GraphQLSchema, getNamedType, getNullableType,
  ProvidedRequiredArgumentsRule, ValuesOfCorrectTypeRule, VariablesInAllowedPositionRule, getOperationAST, getVariableValues,
  isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, parse, validate,
} from 'graphql'
import { decodeGlobalId } from '../../src/graphql/global-id.js'
import { type Hostile, type Position, hostilesFor } from './hostile-values.js'

/**
 * The probe engine of test/server/hostile-input.test.ts: walks a root field's arguments (input
 * objects and lists recursively), puts one hostile value at one position of a valid baseline, and
 * renders it as a literal in the document or as a variable. graphql-js itself (parse with the
 * server's token limit, validate, coerce variables) says whether the value is wrong for its type,
 * which decides the codes that fit (hostile-judge.ts).
 */

export type Args = Record<string, unknown>
export type Mode = 'literal' | 'variable'

export interface ProbeSpec {
  root: 'query' | 'mutation'
  field: string
  at: Position
  hostile: Hostile
  mode: Mode
  /** A second baseline of the same field, e.g. 'sync' (filter.updatedSince set) for cursor probes. */
  variant: string
}

export interface BuiltProbe {
  document: string
  /** The JSON body, raw: a hostile value's JSON may be text JSON.stringify cannot produce. */
  body: string
  /** graphql-js refuses the value for its type (before any resolver runs). */
  refusedByType: boolean
}

/** Where the hostile value goes in a baseline (replaced by its raw JSON or literal when rendered). */
const MARK = Object.freeze({ hostile: true })
const INDEX = '0'
const ID_TYPES: Record<string, string> = {
  ownerId: 'User', roleId: 'SecurityRole', teamId: 'Team', memberId: 'ApiMember', userId: 'User', clientId: 'Contact',
  supplierId: 'Supplier', jobId: 'Job',
}

/** Valid samples of input object types and list elements, for positions the baseline leaves out. */
export type Samples = Record<string, unknown>

export function rootFields(schema: GraphQLSchema, root: 'query' | 'mutation'): Array<GraphQLField<unknown, unknown>> {
  const type = root === 'query' ? schema.getQueryType() : schema.getMutationType()
  return Object.values(type?.getFields() ?? {})
}

/** Every position of every argument of a root field, with the baseline's value (or a sample) there. */
export function positionsOf(
  root: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
  baseline: Args,
  samples: Samples,
  otherTypeId: (idType: string) => string | undefined,
): Position[] {
  const out: Position[] = []
  const walk = (type: GraphQLInputType, path: string[], name: string, value: unknown, seen: Set<string>) => {
    const nonNull = isNonNullType(type)
    const inner = getNullableType(type)
    const named = getNamedType(type)
    const position = { root, field: field.name, path, name, type: named, nonNull }
    if (isListType(inner)) {
      const list = Array.isArray(value) && value.length > 0 ? value : [sampleOf(inner.ofType, samples)]
      out.push({ ...position, shape: 'list', sample: list })
      walk(inner.ofType, [...path, INDEX], name, list[0], seen)
    } else if (isInputObjectType(inner)) {
      if (seen.has(inner.name)) return
      const object = (value ?? sampleOf(inner, samples) ?? {}) as Args
      out.push({ ...position, shape: 'object', sample: object })
      for (const child of Object.values(inner.getFields())) {
        walk(child.type, [...path, child.name], child.name, object[child.name], new Set([...seen, inner.name]))
      }
    } else {
      const idType = named.name === 'ID' ? idTypeOf(field.name, name, value) : undefined
      const anyType = field.name === 'node' || field.name === 'nodes'
      out.push({ ...position, shape: 'leaf', sample: value, idType, otherTypeId: idType && !anyType ? otherTypeId(idType) : undefined })
    }
  }
  for (const arg of field.args) walk(arg.type, [arg.name], arg.name, baseline[arg.name], new Set())
  return out
}

function idTypeOf(field: string, name: string, value: unknown): string {
  if (typeof value === 'string' && decodeGlobalId(value).typename) return decodeGlobalId(value).typename
  return ID_TYPES[name] ?? (field === 'revokeApiKey' ? 'ApiKey' : 'Job')
}

function sampleOf(type: GraphQLInputType, samples: Samples): unknown {
  const named = getNamedType(type)
  if (named.name in samples) return structuredClone(samples[named.name])
  if (isEnumType(named)) return named.getValues()[0]!.name
  if (named.name === 'Int') return 1
  if (isInputObjectType(named)) return {}
  return 'probe'
}

/** The probes of one position: every hostile value, as a literal and as a variable. */
export function specsOf(at: Position, variant = ''): ProbeSpec[] {
  const specs: ProbeSpec[] = []
  for (const hostile of hostilesFor(at, variant)) {
    if (at.root === 'mutation' && hostile.queryOnly) continue
    for (const mode of ['literal', 'variable'] as const) {
      if (hostile.only && hostile.only !== mode) continue
      specs.push({ root: at.root, field: at.field, at, hostile, mode, variant })
    }
  }
  return specs
}

/** The baseline with MARK at `path` (containers the baseline lacks are made from samples). */
function place(type: GraphQLInputType, base: unknown, path: string[], samples: Samples): unknown {
  if (path.length === 0) return MARK
  const inner = getNullableType(type)
  if (isListType(inner)) {
    const list = Array.isArray(base) && base.length > 0 ? [...base] : [sampleOf(inner.ofType, samples)]
    list[0] = place(inner.ofType, list[0], path.slice(1), samples)
    return list
  }
  if (!isInputObjectType(inner)) throw new Error(`cannot place a value inside ${String(type)}`)
  const object = { ...((base ?? sampleOf(inner, samples) ?? {}) as Args) }
  const child = inner.getFields()[path[0]!]!
  object[path[0]!] = place(child.type, object[path[0]!], path.slice(1), samples)
  return object
}

function json(value: unknown, hostile: Hostile): string {
  if (value === MARK) return hostile.json ?? JSON.stringify(hostile.value)
  if (Array.isArray(value)) return `[${value.map((item) => json(item, hostile)).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${json(item, hostile)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const ENUM_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/

function literal(value: unknown, type: GraphQLInputType | undefined, hostile: Hostile): string {
  if (value === MARK) return hostile.literal ?? literal(hostile.value, type, hostile)
  if (value === null || value === undefined) return 'null'
  const inner = type ? getNullableType(type) : undefined
  if (Array.isArray(value)) {
    const element = inner && isListType(inner) ? inner.ofType : inner
    return `[${value.map((item) => literal(item, element, hostile)).join(', ')}]`
  }
  if (typeof value === 'object') {
    const fields = inner && isInputObjectType(inner) ? inner.getFields() : {}
    return `{ ${Object.entries(value).map(([key, item]) => `${key}: ${literal(item, fields[key]?.type, hostile)}`).join(', ')} }`
  }
  if (typeof value === 'string') return type && isEnumType(getNamedType(type)) && ENUM_NAME.test(value) ? value : JSON.stringify(value)
  return String(value)
}

/** The selection a probe asks for: enough that the field's resolver and read path run. */
export function selectionOf(type: GraphQLOutputType): string {
  const named = getNamedType(type)
  if (named.name === 'Node') return '{ id }'
  if (!isObjectType(named)) return ''
  const fields = named.getFields()
  if ('nodes' in fields && 'pageInfo' in fields) {
    const node = getNamedType(fields.nodes!.type)
    const nodeSelection = isObjectType(node) && 'id' in node.getFields() ? 'id' : '__typename'
    return `{ nodes { ${nodeSelection} } pageInfo { endCursor }${'totalCount' in fields ? ' totalCount' : ''} }`
  }
  return 'id' in fields ? '{ id }' : '{ __typename }'
}

/** Renders one probe over a baseline: the probed argument as a literal or as the one variable. */
export function buildProbe(
  schema: GraphQLSchema,
  spec: ProbeSpec,
  field: GraphQLField<unknown, unknown>,
  baseline: Args,
  samples: Samples,
): BuiltProbe {
  const argName = spec.at.path[0]!
  const args = field.args.filter((arg) => arg.name === argName || baseline[arg.name] !== undefined)
  const probed = field.args.find((arg) => arg.name === argName)!
  const value = place(probed.type, baseline[argName], spec.at.path.slice(1), samples)
  const rendered = args.map((arg) => {
    if (arg.name !== argName) return `${arg.name}: ${literal(baseline[arg.name], arg.type, spec.hostile)}`
    return spec.mode === 'variable' ? `${arg.name}: $${arg.name}` : `${arg.name}: ${literal(value, arg.type, spec.hostile)}`
  })
  const definitions = spec.mode === 'variable' ? `($${argName}: ${String(probed.type)})` : ''
  const document = `${spec.root} Probe${definitions} { ${field.name}${rendered.length ? `(${rendered.join(', ')})` : ''} ${selectionOf(field.type)} }`
  const variables = spec.mode === 'variable' ? `{${JSON.stringify(argName)}:${json(value, spec.hostile)}}` : '{}'
  const body = `{"query":${JSON.stringify(document)},"variables":${variables}}`
  // A giant list of valid entries has the type validity of one entry (and coercing it here costs what it costs the server).
  const { value: list } = spec.hostile
  const checked = spec.hostile.giant && Array.isArray(list) ? `{${JSON.stringify(argName)}:${json(value, { ...spec.hostile, value: list.slice(0, 1) })}}` : variables
  return { document, body, refusedByType: refusedByGraphQL(schema, document, spec.mode === 'variable' ? checked : null) }
}

/** The server's own document limit (src/server/query-limits.ts): past it, parsing stops. */
const MAX_TOKENS = 5_000

const VALUE_RULES = [ValuesOfCorrectTypeRule, VariablesInAllowedPositionRule, ProvidedRequiredArgumentsRule]

/** Parsed and validated variable-mode documents (one per field and argument): null when refused. */
const checked = new Map<string, DocumentNode | null>()

function checkDocument(schema: GraphQLSchema, document: string): DocumentNode | null {
  try {
    const parsed = parse(document, { maxTokens: MAX_TOKENS })
    // The selection is fixed and valid: only the values in the document can be wrong.
    return validate(schema, parsed, VALUE_RULES).length > 0 ? null : parsed
  } catch {
    return null
  }
}

function refusedByGraphQL(schema: GraphQLSchema, document: string, variables: string | null): boolean {
  // Only whether graphql-js refuses matters here: its errors' stack traces (source-mapped under
  // vitest) would cost more than the rest of the probe.
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return refused(schema, document, variables)
  } finally {
    Error.stackTraceLimit = limit
  }
}

function refused(schema: GraphQLSchema, document: string, variables: string | null): boolean {
  if (variables === null) return checkDocument(schema, document) === null
  if (!checked.has(document)) checked.set(document, checkDocument(schema, document))
  const parsed = checked.get(document)
  if (!parsed) return true
  const operation = getOperationAST(parsed)!
  const { errors } = getVariableValues(schema, operation.variableDefinitions ?? [], JSON.parse(variables))
  return (errors?.length ?? 0) > 0
}
