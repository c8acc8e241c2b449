import { randomUUID } from 'node:crypto'

/** How often an instance checks its channel with a heartbeat. */
export const HEARTBEAT_MS = 250

/**
 * The heartbeats of one instance: numbered messages it sends itself, and the send time of the
 * latest one it heard back. Other instances' heartbeats are heard and ignored.
 */
export class Heartbeat {
  private readonly instance = randomUUID()
  private sequence = 0
  private readonly sentAt = new Map<number, number>()
  private inFlight = false
  confirmed = 0

  /** The next heartbeat message, or null while the last one has not been sent yet. */
  next(): string | null {
    if (this.inFlight) return null
    this.inFlight = true
    this.sequence++
    this.sentAt.set(this.sequence, Date.now())
    return JSON.stringify({ heartbeat: `${this.instance}:${this.sequence}` })
  }

  /** The send of the last heartbeat finished (well or not): another may go. */
  sent(): void {
    this.inFlight = false
  }

  /** True when the payload is a heartbeat (of any instance); records our own. */
  heard(payload: string): boolean {
    if (!payload.startsWith('{"heartbeat":')) return false
    const match = /^\{"heartbeat":"([0-9a-f-]{36}):(\d+)"\}$/.exec(payload)
    if (match?.[1] === this.instance) {
      const sequence = Number(match[2])
      const at = this.sentAt.get(sequence)
      if (at !== undefined && at > this.confirmed) this.confirmed = at
      for (const older of this.sentAt.keys()) if (older <= sequence) this.sentAt.delete(older)
    }
    return true
  }

  /** Sends a heartbeat every HEARTBEAT_MS through `send` (one at a time); returns the stop function. */
  start(send: (message: string) => Promise<unknown>): () => void {
    const timer = setInterval(() => {
      const message = this.next()
      if (message) send(message).catch(() => {}).finally(() => this.sent())
    }, HEARTBEAT_MS)
    timer.unref()
    return () => clearInterval(timer)
  }
}

