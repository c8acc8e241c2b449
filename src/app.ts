import { createAuthenticator } from './access/credentials/authenticate.js'
import { bootstrap } from './admin/bootstrap.js'
import type { Config } from './config.js'
import { type DatabaseHandle, type DatabaseTarget, databaseTarget, openDatabase, waitForDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { createLogger } from './logger.js'
import { type GatehouseServices, type GatehouseYoga, createGatehouseYoga } from './yoga.js'
import type { Logger } from 'pino'

export interface App {
  services: GatehouseServices
  yoga: GatehouseYoga
  /** Stops background work (invalidation listeners, timers) and closes the database. */
  close(): Promise<void>
}

/**
 * Opens the database, applies migrations, bootstraps the first business when there is none, and
 * builds the GraphQL server. Nothing listens yet: main.ts does that (tests call yoga.fetch or
 * listen on a free port themselves).
 */
export async function createApp(
  config: Config,
  options: { target?: DatabaseTarget; database?: DatabaseHandle; log?: Logger } = {},
): Promise<App> {
  const log = options.log ?? createLogger(config.GATEHOUSE_LOG_LEVEL, config.NODE_ENV)
  const database = options.database ?? (await openDatabase(options.target ?? databaseTarget(config, { server: true, log })))
  try {
    await waitForDatabase(database, { waitSeconds: config.GATEHOUSE_DB_WAIT_SECONDS, log })
    const applied = await migrateToLatest(database.db)
    if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied')
    const base = { config, database, log }
    // First, so a missing production key pepper stops the start before bootstrap writes anything.
    const authenticator = await createAuthenticator(base)
    try {
      await bootstrap(base)
    } catch (error) {
      await authenticator.close()
      throw error
    }
    const services: GatehouseServices = { ...base, authenticator, credentials: authenticator }
    const yoga = createGatehouseYoga(services)
    return {
      services,
      yoga,
      close: async () => {
        // Releases what the server's plugins hold (the rate limiter's Redis connection).
        await yoga.dispose()
        await authenticator.close()
        if (!options.database) await database.close()
      },
    }
  } catch (error) {
    if (!options.database) await database.close()
    throw error
  }
}
