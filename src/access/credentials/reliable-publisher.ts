import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import { withoutDeadline } from '../../db/deadline.js'
import type { InvalidationBus, InvalidationTarget } from './invalidation.js'

/** When a publish fails: tried again after these pauses (about 15 s in all), then given up with an error. */
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000]

/**
 * Publishes invalidations of changes already committed. Telling the other instances must not
 * depend on the request that made the change (its deadline may pass, its client may leave), so a
 * publish runs outside the request's deadline; and a failed one is tried again in the background
 * (an instance whose channel works would otherwise serve the old credential until its cache TTL).
 */
export function reliablePublisher(bus: InvalidationBus, log: Logger) {
  const closing = new AbortController()
  const retries = new Set<Promise<void>>()
  const once = (target: InvalidationTarget) =>
    bus.publish(target).then(
      () => true,
      (error: unknown) => {
        log.warn({ err: error, target }, 'could not publish a credential invalidation; retrying')
        return false
      },
    )
  const retry = async (target: InvalidationTarget) => {
    for (const delay of RETRY_DELAYS_MS) {
      const waited = await sleep(delay, true, { signal: closing.signal, ref: false }).catch(() => false)
      if (!waited || (await once(target))) return
    }
    log.error({ target }, 'gave up publishing a credential invalidation; other instances catch up within the cache TTL')
  }
  return {
    /** Resolves after the first try; retries continue in the background. */
    publish: (target: InvalidationTarget) =>
      withoutDeadline(async () => {
        if (await once(target)) return
        const pending = retry(target).finally(() => retries.delete(pending))
        retries.add(pending)
      }),
    /** Stops retrying (the process is stopping). */
    close: () => closing.abort(),
  }
}
