import { AsyncLocalStorage } from 'node:async_hooks'
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely'

/**
 * The deadline of the work in progress (one HTTP request), carried by the async call chain so that
 * every database call made on its behalf can stop waiting when it passes or the client goes away.
 * The server sets it (server/deadline.ts); the database layer obeys it; nothing in between has to
 * pass it along.
 */
const store = new AsyncLocalStorage<AbortSignal>()

/** Runs `work` under a deadline: database calls inside it fail with DeadlineExceededError once `signal` aborts. */
export function withDeadline<T>(signal: AbortSignal, work: () => T): T {
  return store.run(signal, work)
}

/**
 * Runs `work` outside any deadline: for what must happen even when the request that triggered it
 * gave up (telling other instances about a committed revocation).
 */
export function withoutDeadline<T>(work: () => T): T {
  return store.exit(work)
}

/** The deadline of the current async call chain, if it has one. */
export function currentDeadline(): AbortSignal | undefined {
  return store.getStore()
}

/** The deadline passed (or the client went away) while the database was being waited for. */
export class DeadlineExceededError extends Error {
  constructor() {
    super('The request took longer than its deadline allows.')
    this.name = 'DeadlineExceededError'
  }
}

/**
 * Settles with `promise`, or rejects with DeadlineExceededError as soon as `signal` aborts. What the
 * promise yields after that is handed to `onLate` (a connection to give back, say).
 */
function raceDeadline<T>(promise: Promise<T>, signal: AbortSignal | undefined, onLate?: (value: T) => void): Promise<T> {
  if (!signal) return promise
  if (signal.aborted) {
    if (onLate) promise.then(onLate, () => {})
    else promise.catch(() => {})
    return Promise.reject(new DeadlineExceededError())
  }
  return new Promise<T>((resolve, reject) => {
    let late = false
    const abort = () => {
      late = true
      reject(new DeadlineExceededError())
    }
    signal.addEventListener('abort', abort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort)
        if (late) onLate?.(value)
        else resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', abort)
        if (!late) reject(error)
      },
    )
  })
}

/** ROLLBACK must run even after the deadline: it is what gives the connection back clean. */
const isRollback = (query: CompiledQuery) => /^\s*rollback\b/i.test(query.sql)

/**
 * Wraps a kysely driver so that waiting for a connection and waiting for a statement both end at the
 * caller's deadline. This stops the waiting, not the work: cancelling a statement in the server is
 * the driver's business (db/postgres-pool.ts does it for PostgreSQL; PGlite cannot).
 */
class DeadlineDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await raceDeadline(this.inner.acquireConnection(), currentDeadline(), (late) => {
      void this.inner.releaseConnection(late)
    })
    return new DeadlineConnection(connection)
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(unwrap(connection), settings)
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(unwrap(connection))
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(unwrap(connection))
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(connection))
  }

  destroy(): Promise<void> {
    return this.inner.destroy()
  }
}

class DeadlineConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // Inside a traced request, each statement is a span of its own (server/tracing.ts); else nothing is made.
    if (trace.getActiveSpan()?.isRecording()) return tracedStatement(query, () => this.untracedQuery<R>(query))
    return this.untracedQuery<R>(query)
  }

  private untracedQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const signal = currentDeadline()
    if (!signal || isRollback(query)) return this.inner.executeQuery<R>(query)
    // Past the deadline nothing new is sent: a statement sent now would run (and hold its locks)
    // with nobody waiting for it, and the ROLLBACK that follows would queue behind it.
    if (signal.aborted) return Promise.reject(new DeadlineExceededError())
    return raceDeadline(this.inner.executeQuery<R>(query), signal)
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize)
  }
}

/** A client span for one SQL statement: its operation only (the text holds no values, but it is long). */
function tracedStatement<T>(query: CompiledQuery, run: () => Promise<T>): Promise<T> {
  const operation = /^\s*(\w+)/.exec(query.sql)?.[1]?.toUpperCase() ?? 'SQL'
  return trace.getTracer('gatehouse').startActiveSpan(`db ${operation}`, { kind: SpanKind.CLIENT, attributes: { 'db.operation.name': operation } }, async (span) => {
    try {
      return await run()
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR })
      throw error
    } finally {
      span.end()
    }
  })
}

const unwrap = (connection: DatabaseConnection) =>
  connection instanceof DeadlineConnection ? connection.inner : connection

/** The same dialect, with every connection wait and statement wait bounded by the caller's deadline. */
export function withDeadlines(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new DeadlineDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  }
}
