import { AsyncLocalStorage } from 'node:async_hooks'
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely'

/**
 * The deadline of the work in progress (one HTTP request), carried by the async call chain so that
 * every database call made on its behalf can stop waiting when it passes or the client goes away.
 * The server sets it (server/deadline.ts); the database layer obeys it; nothing in between has to
 * pass it along.
 *
 * Not an AbortSignal: one is made for every request, and Node's AbortController and the
 * EventTarget listeners of each statement cost more CPU than the rest of a small read's deadline
 * handling. A plain timer each: Node already keeps the timers of one length in one list, and a
 * timer of our own shared between deadlines (tried) fired a loop turn late under load, letting the
 * pool's own acquire timeout of the same length win the race (503 where 504 is due).
 */
export class Deadline {
  aborted = false
  /** Once the work it bounded is done, nothing aborts it: background work it started runs on. */
  private ended = false
  private listeners: Array<() => void> | null = null
  private readonly timer: NodeJS.Timeout | null

  /** A deadline `timeoutMs` from now; without one, it passes only when `abort()` is called. */
  constructor(timeoutMs?: number) {
    this.timer = timeoutMs === undefined ? null : setTimeout(() => this.abort(), timeoutMs)
  }

  /** Calls `listener` once when the deadline passes (at once, if it has). */
  onAbort(listener: () => void): void {
    if (this.aborted) return listener()
    ;(this.listeners ??= []).push(listener)
  }

  offAbort(listener: () => void): void {
    const index = this.listeners?.indexOf(listener) ?? -1
    if (index >= 0) this.listeners!.splice(index, 1)
  }

  /** Passes now (the client went away, or its time is up). */
  abort(): void {
    if (this.aborted || this.ended) return
    this.aborted = true
    if (this.timer) clearTimeout(this.timer)
    const listeners = this.listeners
    this.listeners = null
    for (const listener of listeners ?? []) {
      try {
        listener()
      } catch (error) {
        // As an EventTarget does: one failing listener neither stops the others nor the timer.
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }

  /** The work is done: the deadline will not pass any more. */
  end(): void {
    this.ended = true
    if (this.timer) clearTimeout(this.timer)
  }
}

const store = new AsyncLocalStorage<Deadline>()

/** Runs `work` under a deadline: database calls inside it fail with DeadlineExceededError once it passes. */
export function withDeadline<T>(deadline: Deadline, work: () => T): T {
  return store.run(deadline, work)
}

/**
 * Runs `work` outside any deadline: for what must happen even when the request that triggered it
 * gave up (telling other instances about a committed revocation).
 */
export function withoutDeadline<T>(work: () => T): T {
  return store.exit(work)
}

/** The deadline of the current async call chain, if it has one. */
export function currentDeadline(): Deadline | undefined {
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
 * Settles with `promise`, or rejects with DeadlineExceededError as soon as `deadline` passes. What
 * the promise yields after that is handed to `onLate` (a connection to give back, say).
 */
function raceDeadline<T>(promise: Promise<T>, deadline: Deadline | undefined, onLate?: (value: T) => void): Promise<T> {
  if (!deadline) return promise
  if (deadline.aborted) {
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
    deadline.onAbort(abort)
    promise.then(
      (value) => {
        deadline.offAbort(abort)
        if (late) onLate?.(value)
        else resolve(value)
      },
      (error) => {
        deadline.offAbort(abort)
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
    const deadline = currentDeadline()
    if (!deadline || isRollback(query)) return this.inner.executeQuery<R>(query)
    // Past the deadline nothing new is sent: a statement sent now would run (and hold its locks)
    // with nobody waiting for it, and the ROLLBACK that follows would queue behind it.
    if (deadline.aborted) return Promise.reject(new DeadlineExceededError())
    return raceDeadline(this.inner.executeQuery<R>(query), deadline)
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
