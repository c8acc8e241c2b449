import { describe, expect, it } from 'vitest'
import { Heartbeat, STUCK_AFTER_MS } from '../../../src/db/heartbeat.js'

/** The heartbeat's bookkeeping, as pure functions of the messages it sends and hears. */
describe('Heartbeat', () => {
  it('confirms up to the send time of its own latest heartbeat heard back, and ignores other instances', () => {
    const mine = new Heartbeat()
    const other = new Heartbeat()
    const first = mine.next(1_000)!
    mine.sent()
    const second = mine.next(1_250)!
    mine.sent()
    expect(mine.heard(other.next(1_300)!, 1_300)).toBe(true)
    expect(mine.confirmed).toBe(0)
    expect(mine.heard(second, 1_400)).toBe(true)
    expect(mine.confirmed).toBe(1_250)
    // A late, older one changes nothing.
    mine.heard(first, 1_500)
    expect(mine.confirmed).toBe(1_250)
    expect(mine.heard('{"publicKey":"abc"}')).toBe(false)
  })

  it('sends one at a time, unless the last send hangs past its timeout', () => {
    const beat = new Heartbeat()
    expect(beat.next(0)).not.toBeNull()
    expect(beat.next(100)).toBeNull()
    expect(beat.next(2_100)).not.toBeNull()
    beat.sent()
    expect(beat.next(2_200)).not.toBeNull()
  })

  it('after a reconnect, the first own heartbeat heard resyncs once', () => {
    const beat = new Heartbeat()
    let resyncs = 0
    // start() wires the events; its timer is stopped at once.
    beat.start(async () => {}, () => false, { onResync: () => resyncs++, onStuck: () => {} })()
    beat.reconnected()
    const one = beat.next(10)!
    beat.sent()
    const two = beat.next(20)!
    beat.heard(one, 30)
    beat.heard(two, 40)
    expect(resyncs).toBe(1)
  })

  it('is stuck when none of its heartbeats came back for a while', () => {
    const beat = new Heartbeat()
    const now = Date.now()
    expect(beat.stuck(now)).toBe(false)
    expect(beat.stuck(now + STUCK_AFTER_MS + 1)).toBe(true)
    const message = beat.next(now + STUCK_AFTER_MS)!
    beat.heard(message, now + STUCK_AFTER_MS + 1)
    expect(beat.stuck(now + STUCK_AFTER_MS + 2)).toBe(false)
  })
})
