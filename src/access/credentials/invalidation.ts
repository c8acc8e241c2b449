import { EventEmitter } from 'node:events'
import { Redis } from 'ioredis'
import { sql } from 'kysely'
import type { Logger } from 'pino'
import { z } from 'zod'
import { Heartbeat } from '../../db/heartbeat.js'
import type { Config } from '../../config.js'
import type { DatabaseHandle } from '../../db/database.js'
import type { Listener } from '../../db/listener.js'

/**
 * Fan-out of credential invalidations ("forget what you cached about this principal / role / key /
 * session") to every Gatehouse instance: Redis pub/sub when REDIS_URL is set, else PostgreSQL
 * LISTEN/NOTIFY on the process's listener connection (db/listener.ts), else (the embedded
 * database, one process) in process.
 * A bus that loses its connection reports itself unhealthy and asks its owner to forget
 * everything, since messages may have been missed while it was down.
 *
 * A connection can also be silently stuck (open, but delivering nothing), which no error reports.
 * So each instance sends itself heartbeats (db/heartbeat.ts): on the Redis channel, or on the
 * PostgreSQL listener's own channel. Both PostgreSQL (every channel, in commit order) and Redis (in
 * the order it processed the publishes) deliver in order, so hearing one's own heartbeat sent at
 * time T proves every invalidation published before T has arrived: `confirmedUpTo()` is that T. The credential cache serves an entry only while
 * it is younger than a second or confirmed (authenticate.ts), so a revocation applies within a
 * second whatever happens to the channel.
 */

export const INVALIDATION_CHANNEL = 'gatehouse_invalidate'

const id = z.string().regex(/^\d{1,19}$/)
/** What to forget: every cached credential matching all the given fields. */
export const InvalidationTarget = z
  .object({
    businessId: id.optional(),
    principalId: id.optional(),
    roleId: id.optional(),
    sessionId: id.optional(),
    publicKey: z.string().regex(/^[0-9A-Za-z]{1,64}$/).optional(),
  })
  .strict()
  .refine((target) => Object.values(target).some((value) => value !== undefined), 'an invalidation needs a target')
export type InvalidationTarget = z.infer<typeof InvalidationTarget>

/** How long a start waits for Redis to take its subscription before going on without it. */
const REDIS_START_WAIT_MS = 2_000

export interface InvalidationBus {
  readonly kind: 'redis' | 'postgres' | 'local'
  /** False while the bus is known to be disconnected. */
  readonly healthy: boolean
  /** Every invalidation published before this time (epoch ms) has been received. */
  confirmedUpTo(): number
  publish(target: InvalidationTarget): Promise<void>
  close(): Promise<void>
}

interface Handlers {
  onMessage(target: InvalidationTarget): void
  /** The bus (re)connected after a gap: anything cached may be stale. */
  onReset(): void
}

export interface BusDeps {
  config: Config
  database: DatabaseHandle
  log: Logger
  /** The process's LISTEN connection (PostgreSQL without Redis): the bus subscribes to it. */
  listener?: Listener
}

/** Opens the bus this deployment uses and subscribes to it. */
export async function openInvalidationBus(deps: BusDeps, handlers: Handlers): Promise<InvalidationBus> {
  const heartbeat = new Heartbeat()
  const receive = (payload: string) => {
    // Also drops the heartbeats an older version sent on this channel during a rolling upgrade.
    if (heartbeat.heard(payload)) return
    let parsed: ReturnType<typeof InvalidationTarget.safeParse>
    try {
      parsed = InvalidationTarget.safeParse(JSON.parse(payload))
    } catch {
      parsed = { success: false } as never
    }
    if (parsed.success) handlers.onMessage(parsed.data)
    else deps.log.warn('ignored a malformed credential invalidation message')
  }
  if (deps.config.REDIS_URL) return openRedisBus(deps.config.REDIS_URL, deps.log, receive, handlers.onReset, heartbeat)
  if (deps.listener) return openPostgresBus(deps.listener, deps.database, receive, handlers.onReset)
  return openLocalBus(deps.database, receive)
}

/** Sends one invalidation without subscribing (the admin CLI, a short-lived process). */
export async function publishInvalidation(deps: BusDeps, target: InvalidationTarget): Promise<void> {
  const message = JSON.stringify(InvalidationTarget.parse(target))
  if (deps.config.REDIS_URL) {
    const redis = new Redis(deps.config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 })
    try {
      await redis.connect()
      await redis.publish(INVALIDATION_CHANNEL, message)
    } finally {
      redis.disconnect()
    }
  } else if (deps.database.kind === 'postgres') {
    await sql`select pg_notify(${INVALIDATION_CHANNEL}, ${message})`.execute(deps.database.db)
  }
  // Embedded database: it belongs to one process, so no server is running to be told.
}

async function openRedisBus(
  url: string,
  log: Logger,
  receive: (payload: string) => void,
  onReset: () => void,
  heartbeat: Heartbeat,
): Promise<InvalidationBus> {
  // Not awaited: an instance starts while Redis is down, reports the bus unhealthy (so cached
  // credentials stay short-lived) and ioredis keeps reconnecting and resubscribing by itself.
  const subscriber = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (attempt) => Math.min(attempt * 200, 2_000) })
  // A stuck Redis must not hold up the write that publishes: its cache entries elsewhere expire
  // within a second anyway once heartbeats stop.
  const publisher = new Redis(url, {
    maxRetriesPerRequest: 2,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  })
  let healthy = false
  let connectedOnce = false
  let warnedDown = false
  subscriber.on('message', (_channel: string, payload: string) => receive(payload))
  subscriber.on('error', (error: Error) => {
    if (warnedDown) return
    warnedDown = true
    log.warn({ err: error }, 'credential invalidation: redis is not answering; cached credentials stay short-lived until it is back')
  })
  publisher.on('error', () => {})
  subscriber.on('close', () => {
    if (healthy) log.warn('credential invalidation: redis connection lost; cached credentials stay short-lived until it is back')
    healthy = false
    onReset()
  })
  // ioredis resubscribes by itself after a reconnect, just after 'ready': the heartbeat tells when
  // the subscription is in effect again (onResync).
  subscriber.on('ready', () => {
    heartbeat.reconnected()
    if (connectedOnce || warnedDown) {
      onReset()
      log.info('credential invalidation: redis connected')
    }
    connectedOnce = true
    warnedDown = false
    healthy = true
  })
  const subscribed = subscriber.subscribe(INVALIDATION_CHANNEL).catch((error: Error) =>
    log.warn({ err: error }, 'credential invalidation: could not subscribe yet; retrying on reconnect'),
  )
  // With Redis up, the instance is subscribed before it serves; with Redis down, it starts anyway.
  await Promise.race([subscribed, new Promise((resolve) => setTimeout(resolve, REDIS_START_WAIT_MS).unref())])
  const stopHeartbeat = heartbeat.start((message) => publisher.publish(INVALIDATION_CHANNEL, message), () => healthy, {
    onResync: onReset,
    onStuck: () => {
      log.warn('credential invalidation: redis delivers nothing; reconnecting')
      subscriber.disconnect(true)
    },
  })
  return {
    kind: 'redis',
    get healthy() {
      return healthy
    },
    confirmedUpTo: () => heartbeat.confirmed,
    publish: async (target) => {
      await publisher.publish(INVALIDATION_CHANNEL, JSON.stringify(target))
    },
    close: async () => {
      stopHeartbeat()
      subscriber.removeAllListeners('close')
      subscriber.disconnect()
      publisher.disconnect()
    },
  }
}

/** The bus over the process's PostgreSQL listener (db/listener.ts), which also keeps it checked with heartbeats. */
async function openPostgresBus(listener: Listener, database: DatabaseHandle, receive: (payload: string) => void, onReset: () => void): Promise<InvalidationBus> {
  const unsubscribe = await listener.subscribe(INVALIDATION_CHANNEL, { onMessage: receive, onReset })
  return {
    kind: 'postgres',
    get healthy() {
      return listener.healthy
    },
    confirmedUpTo: () => listener.confirmedUpTo(),
    publish: async (target) => {
      await sql`select pg_notify(${INVALIDATION_CHANNEL}, ${JSON.stringify(target)})`.execute(database.db)
    },
    close: unsubscribe,
  }
}

// One emitter per database handle: two app instances in one process on one embedded database (tests)
// hear each other, as instances on one PostgreSQL server do.
const localBuses = new WeakMap<DatabaseHandle, EventEmitter>()

function openLocalBus(database: DatabaseHandle, receive: (payload: string) => void): InvalidationBus {
  let emitter = localBuses.get(database)
  if (!emitter) {
    emitter = new EventEmitter()
    emitter.setMaxListeners(0)
    localBuses.set(database, emitter)
  }
  const bus = emitter
  bus.on('message', receive)
  return {
    kind: 'local',
    healthy: true,
    // In process, a publish is delivered before it returns.
    confirmedUpTo: () => Date.now(),
    publish: async (target) => {
      bus.emit('message', JSON.stringify(target))
    },
    close: async () => {
      bus.off('message', receive)
    },
  }
}
