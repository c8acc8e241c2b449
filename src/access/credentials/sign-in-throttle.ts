import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/types.js'

/**
 * Sign-in throttling per (account, client address), whatever credential the request carries.
 * Every attempt is counted before its password is hashed, in one short locked step, so parallel
 * guesses cannot slip past the count. After FREE_FAILURES failures each attempt must wait twice
 * as long as the one before (a client that does not wait is refused and counted); LOCK_AFTER
 * failures lock the pair for LOCK_SECONDS, right password or not. Only the pair: a stranger who
 * knows an admin's email locks out their own address, never the admin's. A successful sign-in,
 * an admin (`liftSignInLocks`) or the CLI's reset-password clears it.
 *
 * Rows are keyed by a digest of the email tried, known or not, so a wrong email and a wrong
 * password do the same work and the table holds no email.
 */
export const SIGN_IN_THROTTLE = {
  /** Failures before waits begin: enough for a few typos. */
  FREE_FAILURES: 5,
  /** The longest wait between two attempts once waits have begun. */
  MAX_WAIT_SECONDS: 60,
  /** Failures (refused attempts included) that lock the pair. */
  LOCK_AFTER: 10,
  /** How long a lock lasts. */
  LOCK_SECONDS: 15 * 60,
  /** Failures older than this are forgotten. */
  FORGET_SECONDS: 24 * 60 * 60,
} as const

export type SignInAttempt =
  /** Go on and check the password. */
  | { kind: 'allowed' }
  /** Refused without checking: wait `retryAfter` seconds. `lockedNow`: this attempt set the lock. */
  | { kind: 'refused'; retryAfter: number; locked: boolean; lockedNow: boolean }

export const emailDigest = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('hex')

/** The wait after `failures` failures, once past the free ones. */
const waitSeconds = (failures: number) =>
  failures < SIGN_IN_THROTTLE.FREE_FAILURES ? 0 : Math.min(2 ** (failures - SIGN_IN_THROTTLE.FREE_FAILURES), SIGN_IN_THROTTLE.MAX_WAIT_SECONDS)

let attemptsSinceSweep = 0
/** Attempts between two sweeps of forgotten rows: the table holds what the last day of failures left. */
const SWEEP_EVERY = 500

/** Counts an attempt (as a failure until it succeeds) and says whether it may go on. */
export async function registerSignInAttempt(db: Kysely<Database>, email: string, clientAddress: string, now = new Date()): Promise<SignInAttempt> {
  const key = { email_digest: emailDigest(email), client_address: clientAddress }
  if (++attemptsSinceSweep >= SWEEP_EVERY) {
    attemptsSinceSweep = 0
    await sweepForgotten(db, now)
  }
  return db.transaction().execute(async (trx) => {
    // The row exists before it is locked, so parallel first attempts queue on it too (FOR UPDATE
    // locks nothing that is not there).
    await trx
      .insertInto('sign_in_throttles')
      .values({ ...key, failures: 0, last_failure_at: new Date(0), locked_until: null })
      .onConflict((oc) => oc.columns(['email_digest', 'client_address']).doNothing())
      .execute()
    const row = await trx
      .selectFrom('sign_in_throttles')
      .selectAll()
      .where('email_digest', '=', key.email_digest)
      .where('client_address', '=', key.client_address)
      .forUpdate()
      .executeTakeFirstOrThrow()
    const forgotten = now.getTime() - row.last_failure_at.getTime() > SIGN_IN_THROTTLE.FORGET_SECONDS * 1000
    const lockActive = !forgotten && row.locked_until !== null && row.locked_until > now
    const lockEnded = !forgotten && row.locked_until !== null && !lockActive
    // After a lock ends the password is checked again, with waits as after the free failures.
    const failures = forgotten ? 0 : lockEnded ? SIGN_IN_THROTTLE.FREE_FAILURES : row.failures
    // No wait is owed before the free failures are spent. (Computed as `last + 0 s`, a parallel
    // attempt whose clock was read before the previous one's would have been told to wait.)
    const wait = forgotten || lockEnded ? 0 : waitSeconds(failures)
    const waitUntil = wait === 0 ? 0 : row.last_failure_at.getTime() + wait * 1000
    const counted = failures + 1
    const lockNow = !lockActive && counted >= SIGN_IN_THROTTLE.LOCK_AFTER
    const lockedUntil = lockNow ? new Date(now.getTime() + SIGN_IN_THROTTLE.LOCK_SECONDS * 1000) : lockActive ? row.locked_until : null
    await trx
      .updateTable('sign_in_throttles')
      .set({ failures: counted, last_failure_at: now, locked_until: lockedUntil })
      .where('email_digest', '=', key.email_digest)
      .where('client_address', '=', key.client_address)
      .execute()
    const until = lockedUntil?.getTime() ?? (waitUntil > now.getTime() ? waitUntil : 0)
    if (!until) return { kind: 'allowed' }
    return { kind: 'refused', retryAfter: Math.max(1, Math.ceil((until - now.getTime()) / 1000)), locked: lockedUntil !== null, lockedNow: lockNow }
  })
}

/** Deletes pairs whose failures are forgotten and whose lock (if any) is over. */
async function sweepForgotten(db: Kysely<Database>, now: Date): Promise<void> {
  const horizon = new Date(now.getTime() - SIGN_IN_THROTTLE.FORGET_SECONDS * 1000)
  await db
    .deleteFrom('sign_in_throttles')
    .where('last_failure_at', '<', horizon)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .execute()
}

/** Forgets the pair's failures after a successful sign-in. */
export async function clearSignInAttempts(db: Kysely<Database>, email: string, clientAddress: string): Promise<void> {
  await db.deleteFrom('sign_in_throttles').where('email_digest', '=', emailDigest(email)).where('client_address', '=', clientAddress).execute()
}

/** Lifts every lock and count on an email, from every address (an admin, the CLI); how many pairs were locked. */
export async function liftSignInLocks(db: Kysely<Database>, email: string, now = new Date()): Promise<number> {
  const rows = await db.deleteFrom('sign_in_throttles').where('email_digest', '=', emailDigest(email)).returning('locked_until').execute()
  return rows.filter((row) => row.locked_until && row.locked_until > now).length
}
