import { randomUUID } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Two processes opening one PGlite folder corrupt it, so the folder carries a lock file naming its
 * owner. Taking the lock is one atomic step: the owner's record is written whole to a file of its
 * own, then hard-linked to the lock's name, which fails if the lock exists. A lock whose owner no
 * longer runs is stale; taking it over happens under a second, short-lived guard lock, and only if
 * the lock still holds the very record found stale, so two contenders for a stale lock cannot
 * both win, nor can one remove the lock the other just took.
 */

export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid}. ` +
        'An embedded database belongs to one process: stop that process first, or set DATABASE_URL to use a PostgreSQL server.',
    )
    this.name = 'DataDirLockedError'
  }
}

interface LockRecord {
  pid: number
  /** Tells two holders with one pid apart (two opens in one process). */
  nonce: string
}

/**
 * The locks this process holds. A lock naming this process's pid with another nonce was left by an
 * earlier process that had the same pid (a container's pid 1 after a crash): stale, not ours.
 */
const heldHere = new Set<string>()

/** A guard left by a contender that died mid-takeover is ignored after this long. */
const GUARD_STALE_MS = 5_000
const ATTEMPTS = 200
const RETRY_MS = 10

/** Takes the folder's lock or throws DataDirLockedError naming the live owner; returns the release. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const lockPath = join(dataDir, 'gatehouse.lock')
  const mine: LockRecord = { pid: process.pid, nonce: randomUUID() }
  const text = JSON.stringify(mine)
  const draft = join(dataDir, `gatehouse.lock.${mine.nonce}`)
  writeFileSync(draft, text, { flag: 'wx' })
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (tryLink(draft, lockPath)) return taken(lockPath, text, mine)
      const held = readRecord(lockPath)
      if (held === undefined) continue // released meanwhile: try again
      if (held.record && isHeld(held.record)) throw new DataDirLockedError(dataDir, held.record.pid)
      if (takeOverStale(dataDir, lockPath, draft, held.text)) return taken(lockPath, text, mine)
      sleepSync(RETRY_MS)
    }
    throw new Error(`Could not lock ${dataDir}: it kept changing hands.`)
  } finally {
    unlinkSync(draft)
  }
}

/** Replaces the stale lock (whose content was `staleText`) with ours, under the takeover guard. */
function takeOverStale(dataDir: string, lockPath: string, draft: string, staleText: string): boolean {
  const guardPath = join(dataDir, 'gatehouse.lock.takeover')
  if (!tryLink(draft, guardPath)) {
    clearDeadGuard(guardPath)
    return false
  }
  try {
    if (readRecord(lockPath)?.text !== staleText) return false
    unlinkSync(lockPath)
    return tryLink(draft, lockPath)
  } finally {
    unlinkSync(guardPath)
  }
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

/** The lock's text and its record (null when unreadable: a lock written by an older Gatehouse); undefined when absent. */
function readRecord(path: string): { text: string; record: LockRecord | null } | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockRecord>
    if (Number.isInteger(parsed.pid) && typeof parsed.nonce === 'string') return { text, record: parsed as LockRecord }
  } catch {
    // Older Gatehouse versions wrote the bare pid.
  }
  const pid = Number(text)
  return { text, record: Number.isInteger(pid) && pid > 0 ? { pid, nonce: '' } : null }
}

/** Records the lock as held here and returns its release. */
function taken(lockPath: string, text: string, mine: LockRecord): () => void {
  heldHere.add(mine.nonce)
  return () => {
    heldHere.delete(mine.nonce)
    if (readRecord(lockPath)?.text === text) unlinkSync(lockPath)
  }
}

/** Whether the lock's owner still holds it: its process runs, and if that is this process, it took this lock. */
function isHeld(record: LockRecord): boolean {
  if (record.pid === process.pid) return heldHere.has(record.nonce)
  return isAlive(record.pid)
}

function clearDeadGuard(guardPath: string): void {
  try {
    if (Date.now() - statSync(guardPath).mtimeMs > GUARD_STALE_MS) unlinkSync(guardPath)
  } catch {
    // Gone already.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}
