import { createAuthenticator } from './access/credentials/authenticate.js'
import { bootstrap } from './admin/bootstrap.js'
import type { Config } from './config.js'
import { type DatabaseHandle, type DatabaseTarget, databaseTarget, openDatabase, waitForDatabase } from './db/database.js'
import { type Listener, openListener } from './db/listener.js'
import { migrateToLatest } from './db/migrate.js'
import { modules } from './modules.js'
import { announceWithoutLoop, startWebhookWorker } from './webhooks/worker.js'
import { startExportRunner } from './exports/runner.js'
import { startLiveCountFolding } from './records/live-counts.js'
import type { ExportExecutor } from './exports/run-export.js'
import { createJitCache } from './server/jit.js'
import { execute } from 'graphql'
import { getSchema } from './schema.js'
import { createLogger } from './logger.js'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type GatehouseServer, type GatehouseServices, type GatehouseYoga, createGatehouseServer } from './yoga.js'
import type { Logger } from 'pino'

export interface App {
  services: GatehouseServices
  yoga: GatehouseYoga
  /** The node request handler: the lean lane in front of yoga (src/server/lean-lane.ts). */
  handle: (request: IncomingMessage, response: ServerResponse) => void
  laneStats: GatehouseServer['laneStats']
  /** Stops background work (invalidation listeners, timers) and closes the database. */
  close(): Promise<void>
}

/**
 * How exports run their documents: through graphql-jit like requests (each export's documents are
 * compiled once), unless GATEHOUSE_JIT=0; graphql-js for what jit does not take.
 */
export function exportExecutor(config: Config): ExportExecutor {
  const jit = createJitCache()
  return (document, variableValues, contextValue) => {
    const schema = getSchema()
    const compiled = config.GATEHOUSE_JIT ? jit.compiled(schema, document, null) : null
    return compiled
      ? (compiled.query(undefined, contextValue, variableValues) as ReturnType<ExportExecutor>)
      : execute({ schema, document, variableValues, contextValue })
  }
}

/**
 * Opens the database, applies migrations, bootstraps the first business when there is none, and
 * builds the GraphQL server. Nothing listens yet: main.ts does that (tests call yoga.fetch or
 * listen on a free port themselves).
 */
export async function createApp(
  config: Config,
  options: { target?: DatabaseTarget; database?: DatabaseHandle; log?: Logger; signal?: AbortSignal } = {},
): Promise<App> {
  const log = options.log ?? createLogger(config.GATEHOUSE_LOG_LEVEL, config.NODE_ENV)
  const target = options.target ?? databaseTarget(config, { server: true, log })
  const database = options.database ?? (await openDatabase(target))
  try {
    await waitForDatabase(database, { waitSeconds: config.GATEHOUSE_DB_WAIT_SECONDS, log, signal: options.signal })
    // Migrations and a first start's demo data run long statements on purpose: on a server they
    // get a connection of their own, without the request deadline's statement and lock timeouts.
    const setup = !options.database && target.kind === 'postgres' ? await openDatabase({ ...target, timeouts: undefined, poolSize: 1 }) : database
    let authenticator: Awaited<ReturnType<typeof createAuthenticator>> | undefined
    let listener: Listener | undefined
    try {
      const applied = await migrateToLatest(setup.db)
      if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied')
      listener = await openProcessListener(config, database, log)
      // Before bootstrap, so a missing production key pepper stops the start before it writes anything.
      authenticator = await createAuthenticator({ config, database, log, listener })
      await bootstrap({ config, database: setup, log })
    } catch (error) {
      await authenticator?.close()
      await listener?.close()
      throw error
    } finally {
      if (setup !== database) await setup.close()
    }
    const base = { config, database, log }
    const resources = modules.flatMap((module) => module.resources)
    const webhooks = config.GATEHOUSE_WEBHOOK_WORKER ? await startWebhookWorker({ config, database, log, resources, listener }) : announceWithoutLoop(base)
    const services: GatehouseServices = { ...base, authenticator, credentials: authenticator, webhooks }
    // After the services it runs exports with (as each export's principal) are complete.
    const exports = startExportRunner(services, getSchema(), exportExecutor(config))
    services.exports = exports
    const liveCounts = startLiveCountFolding(database.db, log)
    let server: ReturnType<typeof createGatehouseServer>
    try {
      server = createGatehouseServer(services)
    } catch (error) {
      await liveCounts.close()
      await exports.close()
      await webhooks?.close()
      await authenticator.close()
      await listener?.close()
      throw error
    }
    const { yoga, handle, laneStats } = server
    return {
      services,
      yoga,
      handle,
      laneStats,
      close: async () => {
        // Releases what the server's plugins hold (the rate limiter's Redis connection).
        await yoga.dispose()
        await liveCounts.close()
        await exports.close()
        await webhooks?.close()
        await authenticator.close()
        await listener?.close()
        if (!options.database) await database.close()
      },
    }
  } catch (error) {
    if (!options.database) await database.close()
    throw error
  }
}

/**
 * The one LISTEN connection of this process (db/listener.ts), on PostgreSQL, when someone needs it:
 * credential invalidations (unless Redis carries them) and the webhook loop's wake-ups.
 */
async function openProcessListener(config: Config, database: DatabaseHandle, log: Logger): Promise<Listener | undefined> {
  const url = database.url ?? config.DATABASE_URL
  if (database.kind !== 'postgres' || !url) return undefined
  if (config.REDIS_URL && !config.GATEHOUSE_WEBHOOK_WORKER) return undefined
  return openListener({ url, log })
}
