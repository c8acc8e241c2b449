import type DataLoader from 'dataloader'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { CredentialService } from './access/credentials/authenticate.js'
import type { Principal } from './access/principal.js'
import type { Config } from './config.js'
import type { DatabaseHandle } from './db/database.js'
import type { Database } from './db/types.js'

/** What lives for the whole process: configuration, the database, the log. */
export interface AppServices {
  config: Config
  database: DatabaseHandle
  log: Logger
  /** Credential cache, key pepper and invalidation (src/access/credentials/authenticate.ts); absent only in bare test contexts. */
  credentials?: CredentialService
  /** The webhook delivery loop (src/webhooks/worker.ts): a committed write that queued deliveries wakes it. */
  webhooks?: { wake(): void; ticket(): number | null; written(ticket: number | null): void; stats?(): Record<string, number> }
  /** The bulk export loop (src/exports/runner.ts): a started export wakes it. */
  exports?: { wake(): void }
}

/** The caller's cost bucket as this request left it (src/server/cost/metering.ts); `rateLimit` answers it. */
export interface CostMeter {
  /** What this query was priced at before it ran. */
  cost: number
  limit: number
  restoreRate: number
  /** Points left after this query's price was taken. */
  remaining: number
  /** When the bucket is full again. */
  resetAt: Date
}

/** What one GraphQL request sees. Built per request: nothing in it is shared between tenants. */
export interface Context {
  services: AppServices
  db: Kysely<Database>
  /** The caller, or null before authentication (only signIn and introspection get that far). */
  principal: Principal | null
  requestId: string
  clientAddress: string | null
  log: Logger
  /** Per-request fallback loaders for relations a parent row did not prefetch (records/read/relations.ts). */
  relationLoaders: Map<string, DataLoader<string, Record<string, unknown> | undefined>>
  /** Set before execution when the caller is metered; null otherwise. */
  meter: CostMeter | null
}

/** Builds the context of one request. */
export function createContext(
  services: AppServices,
  request: { requestId: string; clientAddress: string | null; principal: Principal | null },
): Context {
  let log: Logger | undefined
  return {
    services,
    db: services.database.db,
    principal: request.principal,
    requestId: request.requestId,
    clientAddress: request.clientAddress,
    // Made on first use: most requests never log from a resolver.
    get log() {
      log ??= services.log.child({ requestId: request.requestId })
      return log
    },
    relationLoaders: new Map(),
    meter: null,
  }
}
