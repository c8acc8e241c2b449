import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { type DatabaseHandle, backstopTimeouts, openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or, when DATABASE_URL
 * is set, a new database on that server (created here, dropped on close), so parallel workers and
 * earlier runs never share state.
 */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<DatabaseHandle & { url?: string }> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) {
    const handle = await openDatabase({ kind: 'pglite-memory' })
    await migrateToLatest(handle.db)
    return handle
  }
  const name = `gatehouse_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await adminQuery(serverUrl, `create database ${name}`)
  const url = withDatabase(serverUrl, name)
  // The server's own backstops (for the default 10 s request deadline) and prepared reads (the
  // default GATEHOUSE_DB_PREPARED_STATEMENTS), so tests run what production runs.
  const handle = await openDatabase({ kind: 'postgres', url, poolSize: options.poolSize ?? 20, preparedPerConnection: 200, timeouts: backstopTimeouts(10_000) })
  await migrateToLatest(handle.db)
  return {
    ...handle,
    url,
    close: async () => {
      await handle.close()
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`)
    },
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
