import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible'
import { addressBucket } from '../access/networks.js'
import { rateLimited } from '../graphql/errors.js'
import type { LimitsRedis } from './redis.js'

/**
 * Counts requests that carry no valid credential (sign-ins, introspection, bad keys) per client
 * address (an IPv6 address by its /64), in fixed one-minute windows. Requests with a credential are metered by cost instead
 * (src/server/cost/).
 */
export interface AnonymousLimiter {
  /** Counts one request from the address; throws RATE_LIMITED (HTTP 429, Retry-After) when its minute is spent. */
  consume(clientAddress: string | null): Promise<void>
}

export interface AnonymousLimiterOptions {
  /** Requests per minute per address; 0 turns limiting off. */
  perMinute: number
  /** Shares the counters between instances; in-process counters without it. */
  redis?: LimitsRedis
  /** Namespace of the Redis keys. */
  keyPrefix?: string
  /** Told of every refusal (for metrics). */
  onRefused?: () => void
}

const WINDOW_SECONDS = 60

/**
 * A fixed-window limiter (rate-limiter-flexible): in process by default, shared through Redis
 * (an atomic Lua increment with expiry) when given. While Redis does not answer, each instance
 * counts in process instead (the library's insurance limiter) and a warning is logged: a Redis
 * outage must neither become an API outage nor lift the limits.
 */
export function createAnonymousLimiter(options: AnonymousLimiterOptions): AnonymousLimiter {
  const { perMinute, redis } = options
  if (perMinute <= 0) return { consume: async () => {} }
  const keyPrefix = options.keyPrefix ?? 'gatehouse:anonymous'
  const memory = new RateLimiterMemory({ points: perMinute, duration: WINDOW_SECONDS, keyPrefix })
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({
        storeClient: redis.redis,
        points: perMinute,
        duration: WINDOW_SECONDS,
        keyPrefix,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      })
    : memory
  return {
    async consume(clientAddress) {
      try {
        await limiter.consume(`addr:${addressBucket(clientAddress)}`)
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          options.onRefused?.()
          throw rateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)))
        }
        // Not a verdict but a failure of both stores: let the request through rather than fail it.
        redis?.warn(rejection)
      }
    },
  }
}
