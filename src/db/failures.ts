import { DeadlineExceededError } from './deadline.js'

/**
 * What a failed database call means to the caller, read off the driver's error:
 * - `unavailable`: the database could not be reached or dropped the connection (safe to retry);
 * - `timeout`: the statement was cancelled or waited too long for a lock or a connection, because
 *   the request's deadline passed or PostgreSQL's own timeout backstop fired.
 * Anything else (a constraint, a bug) is not a failure of the database and is left to the caller.
 */
export type DatabaseFailure = 'unavailable' | 'timeout'

// SQLSTATE: class 08 is "connection exception"; 57P01–57P03 are the server shutting down, crashing
// or starting; 53300 too many connections; 57P05 an idle session ended by the server.
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '57P05', '53300', '25P03'])
// 57014 query_canceled (statement_timeout or pg_cancel_backend); 55P03 lock_not_available (lock_timeout).
const TIMEOUT_STATES = new Set(['57014', '55P03'])
// Node's socket errors on the way to the server.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED'])
// pg reports some losses with a message only.
const LOST_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
  'terminating connection',
]

/** Classifies an error thrown by a database call; undefined when it is not the database failing. */
export function databaseFailure(error: unknown): DatabaseFailure | undefined {
  if (error instanceof DeadlineExceededError) return 'timeout'
  if (!(error instanceof Error)) return undefined
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (TIMEOUT_STATES.has(code)) return 'timeout'
    if (UNAVAILABLE_STATES.has(code) || code.startsWith('08') || SOCKET_CODES.has(code)) return 'unavailable'
  }
  if (error instanceof AggregateError) {
    // pg reports a refused dual-stack connect as an AggregateError of per-address errors.
    for (const inner of error.errors) if (databaseFailure(inner) === 'unavailable') return 'unavailable'
  }
  if (LOST_MESSAGES.some((message) => error.message.includes(message))) return 'unavailable'
  return undefined
}
