import { LRUCache } from 'lru-cache'
import type { CostBudget } from '../../access/principal.js'
import type { LimitsRedis } from '../redis.js'

/** How much a bucket holds (the most one query may cost) and how many points per second it restores. */
export type Budget = CostBudget

/** One bucket after a take or refund. */
export interface BucketLevel extends Budget {
  key: string
  /** Points available now (fractions restore between requests). */
  available: number
  /** When the bucket reads (epoch ms): `available` is as of then. */
  at: number
}

export interface TakeResult {
  taken: boolean
  levels: BucketLevel[]
  /** When not taken: how long until every bucket holds the points (ms). */
  waitMs: number
}

type MaybePromise<T> = T | Promise<T>

/**
 * Buckets of points that restore continuously (a leaky bucket, Shopify's model). In-process
 * buckets answer synchronously: a request metered in memory waits for no promise.
 */
export interface CostBuckets {
  /** Takes `points` from every bucket at once, or from none when any holds fewer. */
  take(buckets: ReadonlyArray<{ key: string; budget: Budget }>, points: number): MaybePromise<TakeResult>
  /** Gives points back (a query that cost less than it asked for), never beyond a bucket's limit. */
  refund(buckets: ReadonlyArray<{ key: string; budget: Budget }>, points: number): MaybePromise<BucketLevel[]>
}

/** The least recently used bucket goes first; one untouched long enough is full, so forgetting it loses nothing. */
const MEMORY_BUCKETS = 100_000

/** In-process buckets: the default, and the fallback while Redis does not answer. */
export function memoryBuckets(now: () => number = Date.now): {
  take(buckets: ReadonlyArray<{ key: string; budget: Budget }>, points: number): TakeResult
  refund(buckets: ReadonlyArray<{ key: string; budget: Budget }>, points: number): BucketLevel[]
} {
  // No per-entry expiry (its bookkeeping costs every request): a bucket read after it filled is full anyway.
  const buckets = new LRUCache<string, { available: number; at: number }>({ max: MEMORY_BUCKETS })
  /** The bucket's stored state (made full when absent), brought up to `at`; changed in place from then on. */
  const read = (key: string, budget: Budget, at: number) => {
    let stored = buckets.get(key)
    if (!stored) buckets.set(key, (stored = { available: budget.limit, at }))
    else stored.available = Math.min(budget.limit, stored.available + ((at - stored.at) * budget.restoreRate) / 1000)
    stored.at = at
    return stored
  }
  const levelOf = (key: string, budget: Budget, stored: { available: number; at: number }): BucketLevel =>
    ({ key, limit: budget.limit, restoreRate: budget.restoreRate, available: stored.available, at: stored.at })
  return {
    take(list, points) {
      const at = now()
      const states = list.map(({ key, budget }) => read(key, budget, at))
      const taken = states.every((state) => state.available >= points)
      const waitMs = taken ? 0 : waitFor(list.map(({ budget }, i) => ({ budget, available: states[i]!.available })), points)
      if (taken) for (const state of states) state.available -= points
      return { taken, levels: list.map(({ key, budget }, i) => levelOf(key, budget, states[i]!)), waitMs }
    },
    refund(list, points) {
      const at = now()
      return list.map(({ key, budget }) => {
        const state = read(key, budget, at)
        state.available = Math.min(budget.limit, state.available + points)
        return levelOf(key, budget, state)
      })
    },
  }
}

function waitFor(levels: ReadonlyArray<{ budget: Budget; available: number }>, points: number): number {
  let wait = 0
  for (const { budget, available } of levels) {
    if (available < points) wait = Math.max(wait, ((points - available) / budget.restoreRate) * 1000)
  }
  return wait
}

/**
 * One script for take and refund over every bucket of a request, atomic in Redis and timed by
 * Redis's clock (instances' clocks may differ). A bucket is a hash {a: available, t: ms}; absent, it
 * is full. It expires once it would be full again.
 * KEYS: the buckets. ARGV: mode ('take' | 'refund'), points, then limit and restore rate per key.
 * Returns: taken (1/0), Redis's time (ms), then each bucket's available points, as strings.
 */
const BUCKET_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local mode = ARGV[1]
local points = tonumber(ARGV[2])
local levels = {}
local taken = 1
for i = 1, #KEYS do
  local limit = tonumber(ARGV[1 + 2 * i])
  local rate = tonumber(ARGV[2 + 2 * i])
  local stored = redis.call('HMGET', KEYS[i], 'a', 't')
  local available = limit
  if stored[1] then
    available = math.min(limit, tonumber(stored[1]) + (now - tonumber(stored[2])) * rate / 1000)
  end
  levels[i] = available
  if mode == 'take' and available < points then taken = 0 end
end
local out = { tostring(taken), tostring(now) }
for i = 1, #KEYS do
  local limit = tonumber(ARGV[1 + 2 * i])
  local rate = tonumber(ARGV[2 + 2 * i])
  local available = levels[i]
  if mode == 'take' and taken == 1 then available = available - points end
  if mode == 'refund' then available = math.min(limit, available + points) end
  redis.call('HSET', KEYS[i], 'a', tostring(available), 't', tostring(now))
  redis.call('PEXPIRE', KEYS[i], math.ceil((limit - available) / rate * 1000) + 1000)
  out[#out + 1] = tostring(available)
end
return out
`

/**
 * Buckets shared by every instance through Redis. While Redis does not answer, each instance
 * meters in process (and says so in the log): limits fall back, never away.
 */
export function redisBuckets(limits: LimitsRedis, keyPrefix = 'gatehouse:cost:'): CostBuckets {
  const fallback = memoryBuckets()
  // EVALSHA after the first call: the script is sent once per connection, not once per request.
  limits.redis.defineCommand('gatehouseCostBucket', { lua: BUCKET_SCRIPT })
  const script = limits.redis as unknown as { gatehouseCostBucket(keys: number, ...args: string[]): Promise<string[]> }
  const run = async (mode: 'take' | 'refund', list: ReadonlyArray<{ key: string; budget: Budget }>, points: number) => {
    const args = [mode, String(points), ...list.flatMap(({ budget }) => [String(budget.limit), String(budget.restoreRate)])]
    const reply = await script.gatehouseCostBucket(list.length, ...list.map(({ key }) => keyPrefix + key), ...args)
    const at = Number(reply[1])
    const levels = list.map(({ key, budget }, i) => ({ key, ...budget, available: Number(reply[2 + i]), at }))
    return { taken: reply[0] === '1', levels }
  }
  return {
    async take(list, points) {
      try {
        const { taken, levels } = await run('take', list, points)
        return { taken, levels, waitMs: taken ? 0 : waitFor(levels.map((level) => ({ budget: level, available: level.available })), points) }
      } catch (error) {
        limits.warn(error)
        return fallback.take(list, points)
      }
    },
    async refund(list, points) {
      try {
        return (await run('refund', list, points)).levels
      } catch (error) {
        limits.warn(error)
        return fallback.refund(list, points)
      }
    },
  }
}
