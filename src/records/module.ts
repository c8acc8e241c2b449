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
}
