import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { DatabaseHandle } from '../db/database.js'
import type { Listener } from '../db/listener.js'
import type { Resource } from '../records/resource.js'
import { WEBHOOK_CHANNEL } from '../records/write/outbox.js'
import { startAnnouncer } from './announcer.js'
import { claimDue, nextDueAt } from './deliveries.repository.js'
import { type DeliveryDeps, deliverBatch, leaseSeconds } from './deliver.js'
import { pruneOutbox } from './retention.js'
import { CONNECTIONS_PER_RECEIVER } from './send.js'

/**
 * The delivery loop of one Gatehouse process. It runs when woken: by a write of this process that
 * queued deliveries (in process, after commit), by NOTIFY from a write of another instance whose
 * own loop was busy or absent (PostgreSQL; the embedded database has one process), and by a timer
 * set for the next retry or lease expiry it saw, or for the sweep at most SWEEP_MS away. A round
 * claims a burst of due deliveries in one statement (deliveries.repository.ts), makes them
 * concurrently, records them in one statement (deliver.ts), and claims again at once while more
 * may be due.
 */

/** Deliveries one claim takes at most. */
const BATCH = 64
/** Attempts this process makes to one endpoint at once: one connection each. */
const IN_FLIGHT_PER_ENDPOINT = CONNECTIONS_PER_RECEIVER
/**
 * Deliveries claimed for one endpoint at once, over every instance (the claim counts live leases):
 * four batches of IN_FLIGHT_PER_ENDPOINT, sent as lanes free up, while the batch may still start
 * attempts (deliver.ts). A round of a stream of writes to one endpoint is then one claim and one
 * record of outcomes, not one per 8 (docs/webhooks.md, *Fewer statements per round*).
 */
const CLAIMED_PER_ENDPOINT = IN_FLIGHT_PER_ENDPOINT * 4
/** How stale the retry timer may get while rounds keep delivering without retries (see round). */
const RECHECK_MS = 1_000
/**
 * The longest a loop goes without a round, whatever it was told: the sweep that finds deliveries
 * nobody announced, those of an instance that died between its write's commit and its own round
 * (a write whose own loop is idle does not NOTIFY; src/records/write/mutations.ts). A claim that
 * finds nothing and the next-due query: two statements per instance every 10 s.
 */
const SWEEP_MS = 10_000
const MIN_TIMER_MS = 50
/** How often the outbox is pruned: half the retention, at least a second and at most an hour apart. */
const pruneEveryMs = (retentionSeconds: number) => Math.min(Math.max((retentionSeconds * 1000) / 2, 1_000), 3_600_000)

/** Whether the claim took CLAIMED_PER_ENDPOINT deliveries of one endpoint (it may have left more); counted only when it could have. */
function fillsAnEndpoint(claimed: readonly { endpoint_id: string }[]): boolean {
  if (claimed.length < CLAIMED_PER_ENDPOINT) return false
  const counts: Record<string, number> = {}
  return claimed.some((one) => (counts[one.endpoint_id] = (counts[one.endpoint_id] ?? 0) + 1) >= CLAIMED_PER_ENDPOINT)
}

/**
 * How long an announcement gathers the commits of other writes: a quarter of the linger. A loop
 * it wakes lingers in turn, so an announced delivery leaves up to that much later than one its own
 * loop takes.
 */
const gatherMs = (config: Config) => Math.ceil(config.GATEHOUSE_WEBHOOK_LINGER_MS / 4)

export interface WebhookWorker {
  wake(): void
  /**
   * For a write about to queue deliveries: a ticket (the rounds started so far) when it may leave
   * them to this loop without telling the other instances, because the loop is open and between
   * rounds; null when they must be announced (announcer.ts). src/records/write/mutations.ts says why.
   */
  ticket(): number | null
  /**
   * After the commit of a write that queued deliveries: wakes the loop. A write without a ticket,
   * or whose ticket was overtaken by a round still running (it may have claimed before the commit,
   * and may be waiting on a slow receiver) or by the loop closing, is announced.
   */
  written(ticket: number | null): void
  /** Outcomes this process recorded since start, for /metrics. */
  stats(): Record<string, number>
  /** Stops claiming, waits for attempts in flight (each bounded by its deadline), and stops listening. */
  close(): Promise<void>
}

export async function startWebhookWorker(deps: {
  config: Config
  database: DatabaseHandle
  log: Logger
  resources: readonly Resource[]
  /** The process's LISTEN connection (PostgreSQL): writes of other instances wake the loop through it. */
  listener?: Listener
}): Promise<WebhookWorker> {
  const { config, database, log } = deps
  const outcomes: Record<string, number> = { delivered: 0, retry: 0, dead: 0, skipped: 0 }
  const delivery: DeliveryDeps = {
    count: (outcome) => void (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1),
    db: database.db,
    log,
    resources: new Map(deps.resources.map((resource) => [resource.typeName, resource])),
    inFlightPerEndpoint: IN_FLIGHT_PER_ENDPOINT,
    settings: {
      retrySchedule: config.GATEHOUSE_WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: config.GATEHOUSE_WEBHOOK_TIMEOUT_MS,
      disableAfterSeconds: config.GATEHOUSE_WEBHOOK_DISABLE_AFTER_SECONDS,
      rules: { production: config.NODE_ENV === 'production', allowPrivate: config.GATEHOUSE_WEBHOOK_ALLOW_PRIVATE },
    },
  }
  const claimOptions = { limit: BATCH, claimedPerEndpoint: CLAIMED_PER_ENDPOINT, leaseSeconds: leaseSeconds(config.GATEHOUSE_WEBHOOK_TIMEOUT_MS) }
  let closed = false
  let again = false
  let running: Promise<void> | null = null
  let roundsStarted = 0
  const announcer = startAnnouncer(database, log, gatherMs(config))
  let timer: NodeJS.Timeout | undefined

  let checkedAt = 0
  let timerAt = Infinity
  const setTimer = (at: number) => {
    clearTimeout(timer)
    timerAt = at
    timer = setTimeout(() => {
      timerAt = Infinity
      wake()
    }, Math.min(Math.max(at - Date.now(), MIN_TIMER_MS), 2 ** 31 - 1))
    timer.unref()
  }
  const round = async () => {
    again = false
    let retried = false
    let delivered = false
    for (let more = true; more && !closed;) {
      const claimedAt = Date.now()
      const claimed = await claimDue(database.db, claimOptions)
      if (claimed.length === 0) break
      delivered = true
      const made = await deliverBatch(delivery, claimed, { claimedAt, stopping: () => closed })
      retried = made.retried || retried
      // Due now and not claimed: a later event of a delivered record, what the limits left, or
      // what a slow endpoint's lanes gave back.
      more = made.released || claimed.length === BATCH || claimed.some((one) => one.has_successor) || fillsAnEndpoint(claimed)
    }
    if (closed) return
    // The retry timer: what is due later (a retry, another instance's lease running out). A round
    // that delivered without scheduling a retry leaves it to a check at most RECHECK_MS later,
    // which spares a statement per round under a stream of writes.
    if (!delivered || retried || Date.now() - checkedAt >= RECHECK_MS) {
      checkedAt = Date.now()
      const due = await nextDueAt(database.db)
      clearTimeout(timer)
      timerAt = Infinity
      setTimer(Math.min(due?.getTime() ?? Infinity, Date.now() + SWEEP_MS))
    } else if (timerAt > checkedAt + RECHECK_MS) setTimer(checkedAt + RECHECK_MS)
  }
  let lingering: NodeJS.Timeout | undefined
  function wake() {
    if (closed) return
    if (running) {
      again = true
      return
    }
    if (lingering) return
    // A wake lets events gather for GATEHOUSE_WEBHOOK_LINGER_MS, so that a stream's events (and a
    // write's in-process wake and its NOTIFY) go out in one round, whose statements they share;
    // wakes during a round start the next one the same way.
    lingering = setTimeout(() => {
      lingering = undefined
      start()
    }, config.GATEHOUSE_WEBHOOK_LINGER_MS)
  }
  function start() {
    if (closed || running) return
    roundsStarted += 1
    running = round()
      .catch((error) => {
        log.warn({ err: error }, 'webhook delivery round failed; retrying shortly')
        setTimer(Date.now() + 1_000)
      })
      .finally(() => {
        running = null
        if (again) wake()
      })
  }

  // After a gap in listening a write may have been announced while nobody heard: a round re-syncs.
  const unsubscribe = await deps.listener?.subscribe(WEBHOOK_CHANNEL, { onMessage: () => wake(), onReset: (why) => why === 'restored' && wake() })
  // Deliveries left by an earlier run (a crash, a SIGTERM mid-attempt) are picked up at start, in
  // the background: a slow receiver must not hold up the server's start by an attempt's timeout.
  wake()
  const retention = config.GATEHOUSE_WEBHOOK_RETENTION_SECONDS
  let pruning: Promise<unknown> | null = null
  const pruner = retention > 0 ? setInterval(() => {
    // One prune at a time; every instance prunes (a row another one is deleting is skipped).
    pruning ??= pruneOutbox(database.db, retention)
      .then((pruned) => pruned > 0 && log.info({ pruned }, 'webhook outbox pruned'))
      .catch((error) => log.warn({ err: error }, 'webhook outbox pruning failed; tried again later'))
      .finally(() => (pruning = null))
  }, pruneEveryMs(retention)) : undefined
  pruner?.unref()
  return {
    wake,
    ticket: () => (!closed && running === null ? roundsStarted : null),
    written: (ticket) => {
      wake()
      if (ticket === null || closed || (running !== null && roundsStarted !== ticket)) announcer.soon()
    },
    stats: () => ({ ...outcomes }),
    close: async () => {
      closed = true
      clearTimeout(timer)
      clearTimeout(lingering)
      clearInterval(pruner)
      await pruning
      await running
      // Writes that left their deliveries to this loop may still wait for the round their wake
      // asked for (cancelled above, or cut short): the other instances take them at once.
      announcer.soon()
      await announcer.close()
      await unsubscribe?.()
    },
  }
}

/**
 * A process that runs no loop (GATEHOUSE_WEBHOOK_WORKER=0) still queues deliveries with its
 * writes: it announces them to the instances that deliver.
 */
export function announceWithoutLoop(deps: { config: Config; database: DatabaseHandle; log: Logger }): WebhookWorker {
  const announcer = startAnnouncer(deps.database, deps.log, gatherMs(deps.config))
  return {
    wake: () => {},
    ticket: () => null,
    written: () => announcer.soon(),
    stats: () => ({}),
    close: () => announcer.close(),
  }
}
