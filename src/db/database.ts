import { resolve } from 'node:path'
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import type { Logger } from 'pino'
import { lockDataDir } from './data-dir-lock.js'
import { withDeadlines } from './deadline.js'
import { type PostgresTimeouts, createGuardedPool } from './postgres-pool.js'
import type { Database } from './types.js'

/** Where the data lives: a PostgreSQL server, an embedded PGlite folder, or PGlite in memory (tests). */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number; preparedPerConnection?: number; timeouts?: PostgresTimeouts; log?: Logger }
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pglite-memory' }

export interface DatabaseHandle {
  db: Kysely<Database>
  kind: 'postgres' | 'pglite'
  /** The server's URL (PostgreSQL only): for the dedicated LISTEN connection of credential invalidation. */
  url?: string
  /** The PostgreSQL pool's counts (PostgreSQL only): for metrics and the readiness log. */
  poolStats?(): { total: number; idle: number; waiting: number }
  /** True while the database answers a trivial query within the timeout. */
  ping(timeoutMs?: number): Promise<boolean>
  close(): Promise<void>
}

// Both drivers must hand the same JavaScript values to the rest of the code: int8 as an exact
// string (ids may pass 2^53), numeric as an exact string (money), date as 'YYYY-MM-DD' (a calendar
// day has no time zone), timestamptz as Date.
const INT8 = 20
const DATE = 1082
const identity = (value: string) => value

/** Opens the database described by the target. */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') return openPostgres(target)
  return openPglite(target.kind === 'pglite' ? target.dataDir : undefined)
}

/**
 * Statement, lock and pool timeouts that back up a request deadline of `requestTimeoutMs`: the
 * deadline itself is enforced in Node (db/deadline.ts, server/deadline.ts); these catch what slips
 * past it (a cancel that could not be delivered, work outside any request).
 */
export function backstopTimeouts(requestTimeoutMs: number): PostgresTimeouts {
  return {
    statementMs: requestTimeoutMs + 2_000,
    lockMs: requestTimeoutMs + 1_000,
    idleInTransactionMs: 2 * requestTimeoutMs + 5_000,
    acquireMs: requestTimeoutMs,
  }
}

/** No limits: migrations, seeding and the CLI run long statements on purpose. */
const NO_TIMEOUTS: PostgresTimeouts = { statementMs: 0, lockMs: 0, idleInTransactionMs: 0, acquireMs: 30_000 }

function openPostgres(target: Extract<DatabaseTarget, { kind: 'postgres' }>): DatabaseHandle {
  const pool = createGuardedPool({
    url: target.url,
    max: target.poolSize ?? 10,
    preparedPerConnection: target.preparedPerConnection ?? 0,
    timeouts: target.timeouts ?? NO_TIMEOUTS,
    log: target.log,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 || oid === DATE ? identity : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  })
  const db = new Kysely<Database>({ dialect: withDeadlines(new PostgresDialect({ pool })) })
  return {
    db,
    kind: 'postgres',
    url: target.url,
    poolStats: () => ({ total: pool.raw.totalCount, idle: pool.raw.idleCount, waiting: pool.raw.waitingCount }),
    ping: (timeoutMs) => ping(db, timeoutMs),
    close: () => db.destroy(),
  }
}

async function openPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  const release = dataDir ? lockDataDir(dataDir) : () => {}
  try {
    const client = await PGlite.create({
      dataDir: dataDir ? resolve(dataDir) : undefined,
      parsers: { [pgliteTypes.INT8]: identity, [pgliteTypes.DATE]: identity },
    })
    // PGlite is one session: the dialect queues every query and holds the session for the whole of
    // a transaction, so transactions are serialised. Code inside a transaction must use its `trx`,
    // never `db`, or it waits on itself.
    const db = new Kysely<Database>({ dialect: withDeadlines(new PGliteDialect(client)) })
    return {
      db,
      kind: 'pglite',
      ping: (timeoutMs) => ping(db, timeoutMs),
      close: async () => {
        await db.destroy()
        release()
      },
    }
  } catch (error) {
    release()
    throw error
  }
}

async function ping(db: Kysely<Database>, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  try {
    return await Promise.race([
      sql`select 1`.execute(db).then(() => true, () => false),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}

export class DatabaseUnreachableError extends Error {
  constructor(waitedSeconds: number, reason: string) {
    super(`The database is unreachable after ${waitedSeconds} s (${reason}); check DATABASE_URL and that the server is up.`)
    this.name = 'DatabaseUnreachableError'
  }
}

/**
 * Waits until the database answers, trying once a second and logging each failure in one line, for
 * at most `waitSeconds` (0: one try). A deployment may start Gatehouse before its database.
 */
export async function waitForDatabase(
  database: DatabaseHandle,
  options: { waitSeconds: number; log: Pick<Logger, 'warn'>; signal?: AbortSignal },
): Promise<void> {
  const startedAt = Date.now()
  for (;;) {
    options.signal?.throwIfAborted()
    const reason = await sql`select 1`.execute(database.db).then(
      () => undefined,
      (error: Error) => (error as { code?: string }).code ?? error.message.split('\n')[0],
    )
    if (reason === undefined) return
    const waited = Math.round((Date.now() - startedAt) / 1000)
    if (waited >= options.waitSeconds) throw new DatabaseUnreachableError(waited, reason)
    options.log.warn({ reason, waitedSeconds: waited, giveUpAfterSeconds: options.waitSeconds }, 'database unreachable; retrying')
    await new Promise((resolve) => setTimeout(resolve, 1_000))
  }
}

/**
 * The database target the configuration asks for. The server passes `server: true` to get the
 * backstops of its request deadline; the CLI and seeding run long statements and get none.
 */
export function databaseTarget(
  config: {
    DATABASE_URL?: string
    GATEHOUSE_DATA_DIR: string
    GATEHOUSE_REQUEST_TIMEOUT_MS: number
    GATEHOUSE_DB_POOL_SIZE: number
    GATEHOUSE_DB_PREPARED_STATEMENTS: number
  },
  options: { server?: boolean; log?: Logger } = {},
): DatabaseTarget {
  if (!config.DATABASE_URL) return { kind: 'pglite', dataDir: config.GATEHOUSE_DATA_DIR }
  return {
    kind: 'postgres',
    url: config.DATABASE_URL,
    poolSize: config.GATEHOUSE_DB_POOL_SIZE,
    // The server's reads repeat; the CLI's and the seeder's statements mostly do not.
    preparedPerConnection: options.server ? config.GATEHOUSE_DB_PREPARED_STATEMENTS : 0,
    timeouts: options.server ? backstopTimeouts(config.GATEHOUSE_REQUEST_TIMEOUT_MS) : undefined,
    log: options.log,
  }
}
