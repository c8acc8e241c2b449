import { EventEmitter } from 'node:events'
import { Redis } from 'ioredis'
import { sql } from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import { z } from 'zod'
import { Heartbeat } from './heartbeat.js'
import type { Config } from '../../config.js'
import type { DatabaseHandle } from '../../db/database.js'

/**
 * Fan-out of credential invalidations ("forget what you cached about this principal / role / key /
 * session") to every Gatehouse instance: Redis pub/sub when REDIS_URL is set, else PostgreSQL
 * LISTEN/NOTIFY on a dedicated connection, else (the embedded database, one process) in process.
 * A bus that loses its connection reports itself unhealthy and asks its owner to forget
 * everything, since messages may have been missed while it was down.
 *
 * A connection can also be silently stuck (open, but delivering nothing), which no error reports.
 * So each instance sends itself a heartbeat on the channel every HEARTBEAT_MS. Both PostgreSQL
 * (in commit order) and Redis (in the order it processed the publishes) deliver a channel's messages
 * in order, so hearing one's own heartbeat sent at time T proves every invalidation published
 * before T has arrived: `confirmedUpTo()` is that T. The credential cache serves an entry only while
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

interface Deps {
  config: Config
  database: DatabaseHandle
  log: Logger
}

/** Opens the bus this deployment uses and subscribes to it. */
export async function openInvalidationBus(deps: Deps, handlers: Handlers): Promise<InvalidationBus> {
  const heartbeat = new Heartbeat()
  const receive = (payload: string) => {
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
  const url = deps.database.url ?? deps.config.DATABASE_URL
  if (deps.database.kind === 'postgres' && url) return openPostgresBus(url, deps, receive, handlers.onReset, heartbeat)
  return openLocalBus(deps.database, receive)
}

/** Sends one invalidation without subscribing (the admin CLI, a short-lived process). */
export async function publishInvalidation(deps: Deps, target: InvalidationTarget): Promise<void> {
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

async function openPostgresBus(
  url: string,
  deps: Deps,
  receive: (payload: string) => void,
  onReset: () => void,
  heartbeat: Heartbeat,
): Promise<InvalidationBus> {
  const { log, database } = deps
  let client: pg.Client | null = null
  let healthy = false
  let closed = false
  let retryDelay = 500
  let retryTimer: NodeJS.Timeout | undefined

  const connect = async () => {
    const next = new pg.Client({ connectionString: url, application_name: 'gatehouse-listen', keepAlive: true })
    next.on('notification', (message) => {
      if (message.channel === INVALIDATION_CHANNEL && message.payload) receive(message.payload)
    })
    next.on('error', (error) => drop(next, error))
    next.on('end', () => drop(next))
    await next.connect()
    await next.query(`listen ${INVALIDATION_CHANNEL}`)
    client = next
    healthy = true
    retryDelay = 500
    heartbeat.reconnected()
  }
  /** Gives up a connection that failed, ended or is stuck, and reconnects. */
  const drop = (lostClient: pg.Client, error?: Error, stuck = false) => {
    if (client !== lostClient || closed) return
    client = null
    healthy = false
    onReset()
    if (stuck) {
      log.warn('credential invalidation: LISTEN connection delivers nothing; reconnecting')
      // A stuck peer never answers the goodbye end() sends: cut the socket.
      ;(lostClient as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy()
      lostClient.end().catch(() => {})
    } else {
      log.warn({ err: error }, 'credential invalidation: LISTEN connection lost; reconnecting')
    }
    scheduleReconnect()
  }
  const scheduleReconnect = () => {
    if (closed) return
    retryTimer = setTimeout(() => {
      connect().then(
        () => {
          // Whatever was cached before the gap may have missed a message.
          onReset()
          log.info('credential invalidation: LISTEN connection restored')
        },
        (error) => {
          log.warn({ err: error }, 'credential invalidation: reconnect failed')
          retryDelay = Math.min(retryDelay * 2, 2_000)
          scheduleReconnect()
        },
      )
    }, retryDelay)
    retryTimer.unref()
  }

  await connect()
  // Sent on the LISTEN connection itself: when that connection is stuck, the heartbeat is too.
  const stopHeartbeat = heartbeat.start(
    async (message) => {
      await client?.query('select pg_notify($1, $2)', [INVALIDATION_CHANNEL, message])
    },
    () => client !== null,
    { onResync: onReset, onStuck: () => client && drop(client, undefined, true) },
  )
  return {
    kind: 'postgres',
    get healthy() {
      return healthy
    },
    confirmedUpTo: () => heartbeat.confirmed,
    publish: async (target) => {
      await sql`select pg_notify(${INVALIDATION_CHANNEL}, ${JSON.stringify(target)})`.execute(database.db)
    },
    close: async () => {
      stopHeartbeat()
      closed = true
      clearTimeout(retryTimer)
      const current = client
      client = null
      await current?.end().catch(() => {})
    },
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
