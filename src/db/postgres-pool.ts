import type { PostgresPool, PostgresPoolClient } from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import { currentDeadline } from './deadline.js'
import { createStatementNamer } from './prepared-statements.js'

/** Backstops PostgreSQL enforces by itself, set once per connection in its start-up packet (no extra statements). */
export interface PostgresTimeouts {
  /** Longest one statement may run (`statement_timeout`); 0 = no limit. */
  statementMs: number
  /** Longest a statement may wait for a lock (`lock_timeout`); 0 = no limit. */
  lockMs: number
  /** Longest a transaction may sit idle holding its locks (`idle_in_transaction_session_timeout`). */
  idleInTransactionMs: number
  /** Longest a caller without a deadline waits for a pooled connection (pg-pool's `connectionTimeoutMillis`). */
  acquireMs: number
}

export interface PostgresPoolOptions {
  url: string
  max: number
  /** Reads each connection keeps prepared (db/prepared-statements.ts); 0 = none. */
  preparedPerConnection: number
  timeouts: PostgresTimeouts
  types: pg.CustomTypesConfig
  log?: Logger
}

export interface GuardedPool extends PostgresPool {
  /** The pg pool underneath, for pool statistics. */
  readonly raw: pg.Pool
}

/**
 * A pg pool that survives its server and honours the caller's deadline:
 * - every client, idle or checked out, has an `error` listener: pg emits `error` on a checked-out
 *   client whose connection drops, and an unheard `error` event ends the Node process;
 * - when the deadline of the current request aborts during a statement, the statement is cancelled
 *   in PostgreSQL (pg_cancel_backend, over a separate two-connection pool so that a full main pool
 *   cannot block the cancel), and the client is destroyed rather than reused, so a cancel that lands
 *   late can never hit another request's statement;
 * - reads seen before run as named prepared statements (db/prepared-statements.ts).
 */
export function createGuardedPool(options: PostgresPoolOptions): GuardedPool {
  const { url, timeouts, log } = options
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    types: options.types,
    connectionTimeoutMillis: timeouts.acquireMs,
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    application_name: 'gatehouse',
    keepAlive: true,
  })
  const cancelPool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 2_000, application_name: 'gatehouse-cancel' })
  const onClientError = (error: Error) => log?.warn({ err: error }, 'database connection lost')
  pool.on('connect', (client) => client.on('error', onClientError))
  // Idle clients: pg-pool removes the broken one; the listener keeps the event from being fatal.
  pool.on('error', () => {})
  cancelPool.on('connect', (client) => client.on('error', () => {}))
  cancelPool.on('error', () => {})

  const cancel = async (processID: number) => {
    try {
      await cancelPool.query('select pg_cancel_backend($1)', [processID])
    } catch (error) {
      // The statement timeout is the backstop when the cancel itself cannot get through.
      log?.warn({ err: error }, 'could not cancel a statement past its deadline')
    }
  }

  const namer = createStatementNamer({ perConnection: options.preparedPerConnection })
  // The names each connection has prepared (a destroyed client takes its set with it).
  const preparedOn = new WeakMap<pg.PoolClient, Set<string>>()
  /** kysely calls query(text, values): a read seen before goes as a named statement instead. */
  const named = (client: pg.PoolClient, args: unknown[]): unknown[] => {
    const [text, values] = args
    if (typeof text !== 'string' || args.length > 2) return args
    let prepared = preparedOn.get(client)
    if (!prepared) preparedOn.set(client, (prepared = new Set()))
    const name = namer.nameFor(text, prepared)
    return name ? [{ name, text, values }] : args
  }

  return {
    raw: pool,
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect()
      let cancelled = false
      return {
        query: ((...given: Parameters<pg.PoolClient['query']>) => {
          const args = named(client, given) as Parameters<pg.PoolClient['query']>
          const deadline = currentDeadline()
          if (!deadline || deadline.aborted) return (client.query as (...a: unknown[]) => unknown)(...args)
          const onAbort = () => {
            cancelled = true
            void cancel((client as unknown as { processID: number }).processID)
          }
          deadline.onAbort(onAbort)
          const result = (client.query as (...a: unknown[]) => Promise<unknown>)(...args)
          return result.finally(() => deadline.offAbort(onAbort))
        }) as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy || cancelled),
      }
    },
    async end() {
      await Promise.all([pool.end(), cancelPool.end()])
    },
  }
}
