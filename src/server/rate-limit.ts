import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible'
import type { Principal } from '../access/principal.js'
import { rateLimited } from '../graphql/errors.js'

/** Counts requests per bucket in fixed one-minute windows. */
export interface RateLimiter {
  /** Counts one request against the bucket; throws RATE_LIMITED (HTTP 429, Retry-After) when it is spent. */
  consume(bucket: string): Promise<void>
  /** Disconnects from Redis, if it uses it. */
  close(): Promise<void>
}

export interface RateLimiterOptions {
  /** Requests per minute per bucket; 0 turns limiting off. */
  perMinute: number
  /** Shares the counters between instances through Redis; in-process counters without it. */
  redisUrl?: string
  log: Logger
  /** Namespace of the Redis keys. */
  keyPrefix?: string
  /** Told of every refusal (for metrics). */
  onRefused?: () => void
}

const WINDOW_SECONDS = 60
/** A Redis command that takes longer than this counts as Redis being down (fail open). */
const REDIS_TIMEOUT_MS = 500
/** While Redis stays down, say so at most this often rather than once per request. */
const WARN_EVERY_MS = 30_000

/**
 * The bucket a request counts against: its API key (either key of a pair counts on its own), its
 * session, or else the client's address (anonymous sign-ins and bad credentials).
 */
export function rateLimitBucket(principal: Principal | null, clientAddress: string | null): string {
  if (principal?.credential.kind === 'api_key') return `key:${principal.credential.publicKey}`
  if (principal?.credential.kind === 'session') return `session:${principal.credential.sessionId}`
  return `addr:${clientAddress ?? 'unknown'}`
}

/**
 * A fixed-window limiter (rate-limiter-flexible): in process by default, shared through Redis
 * (an atomic Lua increment with expiry) when a URL is given. While Redis does not answer (down at
 * start or later), each instance counts in process instead (the library's insurance limiter) and a
 * warning is logged: a Redis outage must neither become an API outage nor lift the limits.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perMinute, log } = options
  if (perMinute <= 0) return { consume: async () => {}, close: async () => {} }
  const keyPrefix = options.keyPrefix ?? 'gatehouse:rate'
  let redis: Redis | undefined
  let limiter: RateLimiterAbstract
  let lastWarning = 0
  const warn = (error: unknown) => {
    const now = Date.now()
    if (now - lastWarning < WARN_EVERY_MS) return
    lastWarning = now
    log.warn({ err: error }, 'rate limiting: Redis is not answering; counting in process until it is back')
  }

  if (options.redisUrl) {
    redis = new Redis(options.redisUrl, {
      // Fail fast while disconnected instead of queueing commands until Redis comes back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: REDIS_TIMEOUT_MS,
      connectTimeout: 2_000,
    })
    redis.on('error', warn)
    limiter = new RateLimiterRedis({
      storeClient: redis,
      points: perMinute,
      duration: WINDOW_SECONDS,
      keyPrefix,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: WINDOW_SECONDS, keyPrefix }),
    })
    // The insurance limiter answers while Redis is down; the warning still tells the operator.
    redis.on('close', () => warn(new Error('connection closed')))
  } else {
    limiter = new RateLimiterMemory({ points: perMinute, duration: WINDOW_SECONDS, keyPrefix })
  }

  return {
    async consume(bucket) {
      try {
        await limiter.consume(bucket)
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          options.onRefused?.()
          throw rateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)))
        }
        // Not a verdict but a failure of both stores: let the request through rather than fail it.
        warn(rejection)
      }
    },
    async close() {
      redis?.disconnect()
    },
  }
}
