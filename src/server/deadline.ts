import type { Plugin } from 'graphql-yoga'
import { Deadline, withDeadline } from '../db/deadline.js'

/**
 * Gives every request a deadline: `timeoutMs` after it arrives, or as soon as its client goes away
 * (nobody is left to read the answer). Database calls made for the request stop waiting then, and
 * PostgreSQL cancels the running statement (db/deadline.ts, db/postgres-pool.ts); the request
 * answers TIMEOUT (504). One slow table can so hold a connection for at most one deadline.
 */
export function useRequestDeadline(timeoutMs: number): Plugin {
  return {
    instrumentation: {
      request: ({ request }, wrapped) => {
        const deadline = new Deadline(timeoutMs)
        // whatwg-node aborts the request's signal when the client goes away.
        const signal = request.signal as AbortSignal | undefined
        const clientGone = () => deadline.abort()
        signal?.addEventListener('abort', clientGone, { once: true })
        return underDeadline(deadline, wrapped).finally(() => signal?.removeEventListener('abort', clientGone))
      },
    },
  }
}

/**
 * Runs the handling of one request under `deadline` (made when the request arrived; its owner
 * aborts it when the client goes away), and ends the deadline once the handling settles.
 */
export function underDeadline<T>(deadline: Deadline, work: () => T): Promise<Awaited<T>> {
  let result: T
  try {
    result = withDeadline(deadline, work)
  } catch (error) {
    deadline.end()
    throw error
  }
  return Promise.resolve(result).finally(() => deadline.end())
}
