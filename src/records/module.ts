import type { ResolveTree } from 'graphql-parse-resolve-info'
import type { Principal } from '../access/principal.js'
import type { ReadScope } from './read/statement.js'
import type { Resource } from './resource.js'

/**
 * One module of Gatehouse (orders, CRM, the admin surface) as the composition root sees it. Its
 * GraphQL types and fields are defined when its entry file is imported (Pothos's way); what the
 * engine needs from it beyond that (the record types `node`, `nodes` and `deletedRecords` cover)
 * it says here. The list of modules is src/modules.ts.
 */
export interface GatehouseModule {
  name: string
  /** Record types readable by global id and synced through deletedRecords. */
  resources: readonly Resource[]
  /** Other Node types `node` / `nodes` resolve (the admin types), each through its own loader. */
  nodeSources?: readonly NodeSource[]
}

/** A Node type that `node(id)` and `nodes(ids)` can resolve. */
export interface NodeSource {
  typeName: string
  /** Whether the caller may read the type at all; when not, a lookup is FORBIDDEN. */
  readable(principal: Principal): boolean
  /** Rows of the caller's business by database id; an id it does not hold is simply absent. */
  load(scope: ReadScope, ids: readonly string[], tree: ResolveTree): Promise<ReadonlyMap<string, object>>
}
