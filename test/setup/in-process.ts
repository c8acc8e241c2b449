import { type ExecutionResult, execute, parse, validate } from 'graphql'
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
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const tree = JSON.stringify(args.node, (_key, value) => (typeof value === 'bigint' ? String(value) : value))
    if (tree.length > this.largestTree.length) this.largestTree = tree
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count++
    return args.result
  }
}

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
  const credential: Credential = { kind: 'session', sessionId: '0' }
  const principal = await loadPrincipal(database.db, who.businessId, who.principalId, credential)
  if (!principal) throw new Error('no such principal')
  const counter = new StatementCounter()
  const db = database.db.withPlugin(counter) as Kysely<Database>
  const services = { config: loadConfig({ NODE_ENV: 'test' }), database, log: pino({ level: 'silent' }) }
  const context = { ...createContext(services, { requestId: 'test', clientAddress: null, principal }), db }
  // Validated as the server validates: an invalid document must not reach the compiler here either.
  const document = parse(query)
  const invalid = validate(getSchema(), document)
  if (invalid.length > 0) return { errors: invalid, statements: 0, largestTree: '' }
  const result = await execute({ schema: getSchema(), document, contextValue: context, variableValues: variables })
  return { ...result, statements: counter.count, largestTree: counter.largestTree }
}
