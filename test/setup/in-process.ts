import { type DocumentNode, type ExecutionResult, execute, getOperationAST, getVariableValues, parse, validate } from 'graphql'
import { type PassedThrough, passThrough } from '../../src/records/read/passthrough.js'
import { createJitCache } from '../../src/server/jit.js'
import type { Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely'
import pino from 'pino'
import type { Credential } from '../../src/access/principal.js'
import { loadPrincipal } from '../../src/access/credentials/load-principal.js'
import { loadConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import type { Database } from '../../src/db/types.js'
import { getSchema } from '../../src/schema.js'

/**
 * Counts the SQL statements executed through a kysely instance. (transformQuery also sees every
 * subquery builder, so the count is taken where results come back: once per statement.)
 */
export class StatementCounter implements KyselyPlugin {
  count = 0
  /** The largest operation tree seen (a statement's root holds all its subqueries), as JSON. */
  largestTree = ''
  private readonly ignored = new Set<unknown>()
  /** `ignoring`: statements whose tree matches are not counted (a server's background loops, say). */
  constructor(private readonly options: { ignoring?: RegExp } = {}) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const tree = JSON.stringify(args.node, (_key, value) => (typeof value === 'bigint' ? String(value) : value))
    if (this.options.ignoring?.test(tree)) this.ignored.add(args.queryId)
    else if (tree.length > this.largestTree.length) this.largestTree = tree
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (!this.ignored.delete(args.queryId)) this.count++
    return args.result
  }
}

/**
 * Tables only a server's timers write or poll (usage flushes, live-count folds, the export runner,
 * the webhook loop): a test counting what a request costs leaves their statements out, or one
 * landing in its window makes it fail by chance.
 */
export const BACKGROUND_TABLES = /api_key_usage|live_row_counts|bulk_exports|webhook_/

/**
 * Executes an operation in process as a given principal, counting its SQL statements. For tests
 * of the read path's SQL shape; behaviour that is HTTP's is tested over HTTP (test/setup/app.ts).
 */
export async function executeAs(
  database: DatabaseHandle,
  who: { businessId: string; principalId: string },
  query: string,
  variables?: Record<string, unknown>,
): Promise<ExecutionResult & { statements: number; largestTree: string }> {
  const counter = new StatementCounter()
  const context = await contextAs(database, who, counter)
  // Validated as the server validates: an invalid document must not reach the compiler here either.
  const document = parse(query)
  const invalid = validate(getSchema(), document)
  if (invalid.length > 0) return { errors: invalid, statements: 0, largestTree: '' }
  const result = await execute({ schema: getSchema(), document, contextValue: context, variableValues: variables })
  return { ...result, statements: counter.count, largestTree: counter.largestTree }
}

/** A request's context as `who`, its statements counted by `counter`. */
async function contextAs(database: DatabaseHandle, who: { businessId: string; principalId: string }, counter: StatementCounter) {
  const credential: Credential = { kind: 'session', sessionId: '0' }
  const principal = await loadPrincipal(database.db, who.businessId, who.principalId, credential)
  if (!principal) throw new Error('no such principal')
  const db = database.db.withPlugin(counter) as Kysely<Database>
  const services = { config: loadConfig({ NODE_ENV: 'test' }), database, log: pino({ level: 'silent' }) }
  return { ...createContext(services, { requestId: 'test', clientAddress: null, principal }), db }
}

/**
 * The pass-through read of a valid query as `who` (records/read/passthrough.ts): its data text and
 * cost, or null where it declines; the statements it ran; and the same query executed as the lean
 * lane executes it (graphql-jit), to compare with.
 */
export async function passThroughAs(
  database: DatabaseHandle,
  who: { businessId: string; principalId: string },
  /** The query's text, or its parsed document: one document sent again reuses the plan kept for it. */
  query: string | DocumentNode,
  variables: Record<string, unknown> = {},
): Promise<{ passed: PassedThrough | null; statements: number; coercedVariables: Record<string, unknown>; executed: ExecutionResult }> {
  const counter = new StatementCounter()
  const context = await contextAs(database, who, counter)
  const schema = getSchema()
  const document = typeof query === 'string' ? parse(query) : query
  const operation = getOperationAST(document)
  if (!operation) throw new Error('one operation, please')
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables)
  if (coerced.errors) throw coerced.errors[0]
  const passed = await passThrough({ schema, document, operation, variables: coerced.coerced, context })
  const statements = counter.count
  // Execution as the lean lane runs it: graphql-jit (whose key order the pass-through follows).
  const compiled = jit.compiled(schema, document, operation.name?.value ?? null)
  const executed = (compiled
    ? await compiled.query(undefined, { ...context, relationLoaders: new Map() }, variables)
    : await execute({ schema, document, contextValue: { ...context, relationLoaders: new Map() }, variableValues: variables })) as ExecutionResult
  return { passed, statements, coercedVariables: coerced.coerced, executed }
}

const jit = createJitCache()
