import { Redis } from 'ioredis'
import type { Logger } from 'pino'

/** A Redis command that takes longer than this counts as Redis being down (limits fall back in process). */
const REDIS_TIMEOUT_MS = 500
/** While Redis stays down, say so at most this often rather than once per request. */
const WARN_EVERY_MS = 30_000

/** The connection the request limits share, and a warning that speaks at most once per interval. */
export interface LimitsRedis {
  redis: Redis
  /** Logs that Redis is not answering (throttled): limits count in process meanwhile. */
  warn(error: unknown): void
  close(): void
}

/**
 * Connects to Redis for rate limits and cost buckets. Commands fail fast while it is down (no
 * offline queue, a short timeout) so that callers count in process instead of waiting for it.
 */
export function connectLimitsRedis(url: string, log: Logger): LimitsRedis {
  let lastWarning = 0
  const warn = (error: unknown) => {
    const now = Date.now()
    if (now - lastWarning < WARN_EVERY_MS) return
    lastWarning = now
    log.warn({ err: error }, 'request limits: Redis is not answering; counting in process until it is back')
  }
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: REDIS_TIMEOUT_MS,
    connectTimeout: 2_000,
  })
  redis.on('error', warn)
  redis.on('close', () => warn(new Error('connection closed')))
  return { redis, warn, close: () => redis.disconnect() }
}
