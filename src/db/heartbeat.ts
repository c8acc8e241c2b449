import { randomUUID } from 'node:crypto'

/** How often an instance checks its channel with a heartbeat. */
const HEARTBEAT_MS = 250
/** A channel that delivers none of our heartbeats for this long is stuck: the bus reconnects it. */
export const STUCK_AFTER_MS = 5_000
/** A heartbeat whose send has not returned after this long no longer holds up the next one. */
const SEND_TIMEOUT_MS = 2_000

export interface HeartbeatEvents {
  /**
   * The first heartbeat after a (re)connect came back: the subscription is in effect now. Anything
   * cached before may have missed a message published while it was not (ioredis says 'ready'
   * before it has resubscribed), so re-sync.
   */
  onResync(): void
  /** None of our heartbeats came back for STUCK_AFTER_MS though the bus looks connected. */
  onStuck(): void
}

/**
 * The heartbeats of one instance on a message channel (the PostgreSQL listener, db/listener.ts; the
 * Redis credential bus): numbered messages it sends itself, and the send time of the latest one it
 * heard back (`confirmed`). Other instances' heartbeats are heard and ignored.
 */
export class Heartbeat {
  private readonly instance = randomUUID()
  private sequence = 0
  private readonly sentAt = new Map<number, number>()
  private inFlightSince: number | null = null
  private lastHeardAt = Date.now()
  private resyncPending = false
  private events: HeartbeatEvents = { onResync: () => {}, onStuck: () => {} }
  /** Every message published on the channel before this time (epoch ms) has been received. */
  confirmed = 0

  /** The bus (re)connected: the next heartbeat heard marks the subscription in effect. */
  reconnected(): void {
    this.resyncPending = true
    this.lastHeardAt = Date.now()
  }

  /** The next heartbeat message, or null while the last one is still being sent. */
  next(now = Date.now()): string | null {
    if (this.inFlightSince !== null && now - this.inFlightSince < SEND_TIMEOUT_MS) return null
    this.inFlightSince = now
    this.sequence++
    this.sentAt.set(this.sequence, now)
    // Unheard heartbeats of a stuck channel must not pile up.
    for (const [sequence, at] of this.sentAt) if (now - at > STUCK_AFTER_MS * 2) this.sentAt.delete(sequence)
    return JSON.stringify({ heartbeat: `${this.instance}:${this.sequence}` })
  }

  /** The send of the last heartbeat finished (well or not): another may go. */
  sent(): void {
    this.inFlightSince = null
  }

  /** True when the payload is a heartbeat (of any instance); records our own. */
  heard(payload: string, now = Date.now()): boolean {
    if (!payload.startsWith('{"heartbeat":')) return false
    const match = /^\{"heartbeat":"([0-9a-f-]{36}):(\d+)"\}$/.exec(payload)
    if (match?.[1] !== this.instance) return true
    const sequence = Number(match[2])
    const at = this.sentAt.get(sequence)
    if (at === undefined) return true
    for (const older of this.sentAt.keys()) if (older <= sequence) this.sentAt.delete(older)
    this.lastHeardAt = now
    if (this.resyncPending) {
      // Entries cached before this point are forgotten; only what is read from now on counts.
      this.resyncPending = false
      this.events.onResync()
    }
    if (at > this.confirmed) this.confirmed = at
    return true
  }

  /** True when the channel has delivered none of our heartbeats for too long. */
  stuck(now = Date.now()): boolean {
    return now - this.lastHeardAt > STUCK_AFTER_MS
  }

  /**
   * Sends a heartbeat every HEARTBEAT_MS through `send` while `connected()` says so, and reports a
   * stuck channel; returns the stop function.
   */
  start(send: (message: string) => Promise<unknown>, connected: () => boolean, events: HeartbeatEvents): () => void {
    this.events = events
    const timer = setInterval(() => {
      if (!connected()) return
      if (this.stuck()) {
        this.lastHeardAt = Date.now() // one report per stuck period
        events.onStuck()
        return
      }
      const message = this.next()
      if (message) send(message).catch(() => {}).finally(() => this.sent())
    }, HEARTBEAT_MS)
    timer.unref()
    return () => clearInterval(timer)
  }
}
