import { randomUUID } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Two processes opening one PGlite folder corrupt it, so the folder carries a lock file naming its
 * owner. Taking the lock is one atomic step: the owner's record is written whole to a file of its
 * own, then hard-linked to the lock's name, which fails if the lock exists. A lock whose owner no
 * longer runs is stale, and is taken over under a second lock, the guard.
 *
 * Why exactly one contender wins, however many there are and however their steps interleave:
 * - The lock's name changes hands only (a) by link, which fails unless it is absent, (b) by its
 *   owner's release, and (c) by the takeover: under the guard, a contender reads the lock, finds
 *   the very record it judged stale (its process gone; dead processes stay dead), unlinks it and
 *   links its own. Between that read and that unlink nothing else can change the name: (a) needs
 *   it absent, (b) needs a live owner, (c) needs the guard. So a live owner's lock is removed by
 *   nobody but its owner, and after the unlink exactly one link (ours or another's) succeeds.
 * - So all rests on the guard being held by one live contender at a time, including when one
 *   killed mid-takeover left it behind. A file cannot be removed on a condition (unlink removes
 *   whatever the name points to by then), so the guard is a folder holding one entry,
 *   `owner.<pid>.<nonce>`. It is taken by renaming a folder of one's own, entry inside, onto the
 *   guard's name: rename fails while a non-empty folder is there, so no one else holds it. A
 *   dead owner's guard is cleared by unlinking that owner's entry by its unique name, which can
 *   never remove a later owner's entry, then removing the folder only if empty (rmdir), which
 *   cannot remove a held guard; an empty folder is taken over by rename anyway. A guard is judged
 *   by its owner's pid, never by age: a stopped contender still holds it. A guard file of an older
 *   Gatehouse (its record, hard-linked) is judged by its pid the same way, and removed by unlink,
 *   which never removes a folder, so it cannot remove a guard of this version.
 * Within one process lockDataDir is synchronous, so a guard naming this pid is an earlier life's.
 * Limits: an older Gatehouse starting at the same instant does not take this guard; a dead
 * guard owner whose pid another process has since taken looks alive, and the wait ends after
 * about 2 s with an error naming the guard to remove.
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
  guardHolder = undefined
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (tryLink(draft, lockPath)) return taken(lockPath, text, mine)
      const held = readRecord(lockPath)
      if (held === undefined) continue // released meanwhile: try again
      if (held.record && isHeld(held.record)) throw new DataDirLockedError(dataDir, held.record.pid)
      if (takeOverStale(dataDir, lockPath, draft, mine, held.text)) return taken(lockPath, text, mine)
      sleepSync(RETRY_MS)
    }
    if (guardHolder === undefined) throw new Error(`Could not lock ${dataDir}: it kept changing hands.`)
    throw new Error(
      `Could not lock ${dataDir}: process ${guardHolder} holds ${join(dataDir, 'gatehouse.lock.takeover')}, the guard for taking ` +
        `over a stale lock. If process ${guardHolder} is not a Gatehouse starting on this folder, remove that folder.`,
    )
  } finally {
    unlinkSync(draft)
  }
}

/** Replaces the stale lock (whose content was `staleText`) with ours, under the takeover guard. */
function takeOverStale(dataDir: string, lockPath: string, draft: string, mine: LockRecord, staleText: string): boolean {
  const guardPath = join(dataDir, 'gatehouse.lock.takeover')
  if (!takeGuard(guardPath, mine)) {
    guardHolder = clearDeadGuard(guardPath)
    return false
  }
  try {
    if (readRecord(lockPath)?.text !== staleText) return false
    unlinkSync(lockPath)
    return tryLink(draft, lockPath)
  } finally {
    unlinkSync(join(guardPath, guardEntry(mine)))
    removeIfEmpty(guardPath)
  }
}

/** The pid of the live holder of the guard when it was last found held, for the error message. */
let guardHolder: number | undefined

const guardEntry = (owner: LockRecord) => `owner.${owner.pid}.${owner.nonce}`

/** Renames a folder of ours, holding our entry, onto the guard's name: fails if a guard is there. */
function takeGuard(guardPath: string, mine: LockRecord): boolean {
  const ours = `${guardPath}.${mine.nonce}`
  mkdirSync(ours)
  writeFileSync(join(ours, guardEntry(mine)), JSON.stringify(mine))
  try {
    renameSync(ours, guardPath)
    return true
  } catch (error) {
    rmSync(ours, { recursive: true, force: true })
    if (['ENOTEMPTY', 'EEXIST', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code!)) return false
    throw error
  }
}

/** Clears the guard if its owner is gone; returns the owner's pid if it runs. */
function clearDeadGuard(guardPath: string): number | undefined {
  let entries: string[]
  try {
    entries = readdirSync(guardPath)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    if (code !== 'ENOTDIR') throw error
    // An older Gatehouse's guard file: its content is its owner's record.
    const pid = readRecord(guardPath)?.record?.pid
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) return pid
    ignoreAbsent(() => unlinkSync(guardPath))
    return undefined
  }
  for (const entry of entries) {
    const pid = Number(/^owner\.(\d+)\./.exec(entry)?.[1])
    if (pid && pid !== process.pid && isAlive(pid)) return pid
    ignoreAbsent(() => unlinkSync(join(guardPath, entry)))
  }
  removeIfEmpty(guardPath)
  return undefined
}

/** rmdir: removes the folder only if it is empty (a guard nobody holds). */
function removeIfEmpty(path: string): void {
  try {
    rmdirSync(path)
  } catch {
    // Held by another contender by now (not empty), or gone.
  }
}

function ignoreAbsent(remove: () => void): void {
  try {
    remove()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'ENOTDIR') throw error
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

/** The file's text and its record (null when unreadable: a lock written by an older Gatehouse); undefined when absent (or a folder). */
function readRecord(path: string): { text: string; record: LockRecord | null } | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EISDIR') return undefined
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
