import pg from 'pg'
import type { Logger } from 'pino'
import { Heartbeat } from './heartbeat.js'

/**
 * The one PostgreSQL LISTEN connection of a Gatehouse process, shared by everything that listens
 * (credential invalidations, webhook wake-ups): channels are registered on it, it reconnects when
 * the connection drops, and it checks itself with heartbeats, since a connection can also be
 * silently stuck (open, delivering nothing), which no error reports.
 *
 * PostgreSQL puts every notification of every channel in one queue, in commit order, and a backend
 * delivers what it listens to in that order. So hearing back one's own heartbeat sent at time T
 * proves every notification committed before T on every channel of this connection has arrived:
 * `confirmedUpTo()` is that T. A subscriber whose messages may have been missed (the connection
 * dropped; it came back; the first heartbeat after that proved the LISTENs in effect) is told to
 * re-sync through `onReset`.
 */

/** The channel the listener's own heartbeats travel on. */
export const HEARTBEAT_CHANNEL = 'gatehouse_heartbeat'
/** The name PostgreSQL shows for the connection (pg_stat_activity.application_name). */
export const LISTENER_APPLICATION_NAME = 'gatehouse-listen'

export interface ChannelHandlers {
  onMessage(payload: string): void
  /**
   * Messages may have been missed: `lost` when the connection dropped or was found stuck,
   * `restored` when it is back (again once the first heartbeat proves the LISTENs in effect).
   */
  onReset(why: 'lost' | 'restored'): void
}

export interface Listener {
  /** False while the connection is known to be down. */
  readonly healthy: boolean
  /** Every notification committed before this time (epoch ms) has been received, on every channel. */
  confirmedUpTo(): number
  /** LISTENs on `channel` (now, and again after every reconnect); returns the function that stops. */
  subscribe(channel: string, handlers: ChannelHandlers): Promise<() => Promise<void>>
  close(): Promise<void>
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/
const RETRY_MIN_MS = 500
const RETRY_MAX_MS = 2_000

/** Connects the listener (throws when the first connection fails) and starts its heartbeat. */
export async function openListener(options: { url: string; log: Logger }): Promise<Listener> {
  const { url, log } = options
  const subscribers = new Map<string, Set<ChannelHandlers>>()
  const heartbeat = new Heartbeat()
  let client: pg.Client | null = null
  let closed = false
  let retryDelay = RETRY_MIN_MS
  let retryTimer: NodeJS.Timeout | undefined

  const resetAll = (why: 'lost' | 'restored') => {
    for (const handlers of [...subscribers.values()].flatMap((set) => [...set])) handlers.onReset(why)
  }
  const connect = async () => {
    const next = new pg.Client({ connectionString: url, application_name: LISTENER_APPLICATION_NAME, keepAlive: true })
    next.on('notification', ({ channel, payload = '' }) => {
      if (channel === HEARTBEAT_CHANNEL) heartbeat.heard(payload)
      else for (const handlers of subscribers.get(channel) ?? []) handlers.onMessage(payload)
    })
    next.on('error', (error) => drop(next, error))
    next.on('end', () => drop(next))
    try {
      await next.connect()
      for (const channel of [HEARTBEAT_CHANNEL, ...subscribers.keys()]) await next.query(`listen ${channel}`)
    } catch (error) {
      next.end().catch(() => {})
      throw error
    }
    // Closed while this reconnect was under way: nobody will end it later.
    if (closed) {
      await next.end().catch(() => {})
      return
    }
    client = next
    retryDelay = RETRY_MIN_MS
    heartbeat.reconnected()
  }
  /** Gives up a connection that failed, ended or is stuck, tells the subscribers, and reconnects. */
  const drop = (lost: pg.Client, error?: Error, stuck = false) => {
    if (client !== lost || closed) return
    client = null
    if (stuck) {
      log.warn('LISTEN connection delivers nothing; reconnecting')
      // A stuck peer never answers the goodbye end() sends: cut the socket.
      ;(lost as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy()
    } else {
      log.warn({ err: error }, 'LISTEN connection lost; reconnecting')
    }
    lost.end().catch(() => {})
    resetAll('lost')
    scheduleReconnect()
  }
  const scheduleReconnect = () => {
    if (closed) return
    retryTimer = setTimeout(() => {
      connect().then(
        () => {
          if (closed) return
          log.info('LISTEN connection restored')
          resetAll('restored')
        },
        (error) => {
          log.warn({ err: error }, 'LISTEN reconnect failed')
          retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS)
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
      await client?.query('select pg_notify($1, $2)', [HEARTBEAT_CHANNEL, message])
    },
    () => client !== null,
    { onResync: () => resetAll('restored'), onStuck: () => client && drop(client, undefined, true) },
  )
  return {
    get healthy() {
      return client !== null
    },
    confirmedUpTo: () => heartbeat.confirmed,
    subscribe: async (channel, handlers) => {
      if (!CHANNEL.test(channel) || channel === HEARTBEAT_CHANNEL) throw new Error(`not a channel to listen on: ${channel}`)
      const set = subscribers.get(channel) ?? new Set()
      const first = set.size === 0
      subscribers.set(channel, set.add(handlers))
      // Down now (or dropping as this runs): the reconnect LISTENs on every registered channel.
      if (first) await client?.query(`listen ${channel}`).catch((error: Error) => log.warn({ err: error, channel }, 'LISTEN failed; retried on reconnect'))
      return async () => {
        set.delete(handlers)
        if (set.size > 0 || subscribers.get(channel) !== set) return
        subscribers.delete(channel)
        await client?.query(`unlisten ${channel}`).catch(() => {})
      }
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
