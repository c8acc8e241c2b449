import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely'

/** Counts the delivery loop's claim statements on a database handle, and the deliveries they claimed. */
export class ClaimCounter implements KyselyPlugin {
  statements = 0
  claimed = 0
  #claims = new WeakSet<object>()
  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    const fragments = (node as { sqlFragments?: readonly string[] }).sqlFragments
    if (fragments?.join('').includes('set claimed_until')) this.#claims.add(queryId)
    return node
  }
  async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#claims.has(queryId)) {
      this.statements += 1
      this.claimed += result.rows.length
    }
    return result
  }
}
