import type { Logger } from 'pino'
import type { DatabaseHandle } from '../db/database.js'
import { announceDue } from '../records/write/outbox.js'

/**
 * Tells the delivery loops of the other instances, after commit, that writes of this process
 * queued deliveries its own loop will not take next (none runs here, or it is in a round, or it
 * stopped). One NOTIFY answers for every write that committed before it was sent, so a stream of
 * writes sends a few a second, not one each: a NOTIFY wakes every backend listening on the
 * database and costs each a message (docs/webhooks.md, *Fewer messages per event*).
 *
 * After commit rather than in the write's transaction: a NOTIFY in the transaction is sent at its
 * commit, one per write, and ordered with the commits of every other transaction that notifies.
 * Should this process die between a commit and its announcement, the other loops' sweep finds the
 * deliveries (src/webhooks/worker.ts), as it does for a write its own loop never reached.
 *
 * On the embedded database there is one process, and nobody else to tell: nothing is sent.
 */
export interface Announcer {
  /** A write committed with deliveries to announce: one NOTIFY within `gatherMs`, after this call. */
  soon(): void
  /** Sends what is gathered now and waits for it; later writes are announced at once, one each. */
  close(): Promise<void>
}

export function startAnnouncer(database: DatabaseHandle, log: Logger, gatherMs: number): Announcer {
  if (database.kind !== 'postgres') return { soon: () => {}, close: async () => {} }
  let gathering: NodeJS.Timeout | undefined
  let sending: Promise<void> | null = null
  // A write committed while a NOTIFY was on its way: that one may have been sent before the commit.
  let again = false
  let closed = false
  const send = () => {
    gathering = undefined
    sending = announceDue(database.db)
      .catch((error) => log.warn({ err: error }, 'could not announce webhook deliveries; the other instances\' sweep finds them'))
      .finally(() => {
        sending = null
        if (again) {
          again = false
          soon()
        }
      })
  }
  function soon() {
    if (gathering) return
    if (sending) {
      again = true
      return
    }
    if (closed) return send()
    gathering = setTimeout(send, gatherMs)
  }
  return {
    soon,
    close: async () => {
      closed = true
      if (gathering) {
        clearTimeout(gathering)
        send()
      }
      while (sending) await sending
    },
  }
}
