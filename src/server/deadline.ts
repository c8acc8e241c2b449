import type { Plugin } from 'graphql-yoga'
import { withDeadline } from '../db/deadline.js'

const DEADLINE_PASSED = Object.freeze({ name: 'DeadlineExceeded' })

/**
 * Gives every request a deadline: `timeoutMs` after it arrives, or as soon as its client goes away
 * (nobody is left to read the answer). Database calls made for the request stop waiting then, and
 * PostgreSQL cancels the running statement (db/deadline.ts, db/postgres-pool.ts); the request
 * answers TIMEOUT (504). One slow table can so hold a connection for at most one deadline.
 */
export function useRequestDeadline(timeoutMs: number): Plugin {
  return {
    instrumentation: {
      request: ({ request }, wrapped) => underDeadline(timeoutMs, request.signal as AbortSignal | undefined, wrapped),
    },
  }
}

/** Runs the handling of one request under its deadline: `timeoutMs` from now, or when `clientSignal` aborts. */
export function underDeadline<T>(timeoutMs: number, clientSignal: AbortSignal | undefined, work: () => T): Promise<Awaited<T>> {
  const controller = new AbortController()
  // A reason made once: abort() without one builds a DOMException (and its stack) each time.
  const abort = () => controller.abort(DEADLINE_PASSED)
  const timer = setTimeout(abort, timeoutMs)
  clientSignal?.addEventListener('abort', abort, { once: true })
  const done = () => {
    clearTimeout(timer)
    clientSignal?.removeEventListener('abort', abort)
  }
  let result: T
  try {
    result = withDeadline(controller.signal, work)
  } catch (error) {
    done()
    throw error
  }
  return Promise.resolve(result).finally(done)
}
