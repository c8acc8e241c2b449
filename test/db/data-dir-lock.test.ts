import { type ChildProcess, fork, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataDirLockedError, lockDataDir } from '../../src/db/data-dir-lock.js'
import { freePort } from '../setup/private-postgres.js'
import { startServerProcess } from '../setup/server-process.js'

/**
 * The embedded data folder's lock: exactly one of two processes contending at the same instant
 * wins, 100 times in a row, with the folder free or holding a stale lock; exactly one of three,
 * over a stale lock and the takeover guard of a contender killed mid-takeover; and as real server
 * starts.
 */

const CONTENDER = fileURLToPath(new URL('./lock-contender.ts', import.meta.url))
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

/** A pid that surely runs no process now: one that just exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout)
}

class Contender {
  private readonly child: ChildProcess
  private readonly inbox: Array<(message: any) => void> = []
  readonly ready: Promise<unknown>
  constructor() {
    this.child = fork(CONTENDER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
    this.child.on('message', (message) => this.inbox.shift()?.(message))
    this.ready = this.next()
  }
  next(): Promise<any> {
    return new Promise((resolve) => this.inbox.push(resolve))
  }
  send(message: object): Promise<any> {
    const reply = this.next()
    this.child.send(message)
    return reply
  }
  stop() {
    this.child.kill('SIGKILL')
  }
}

describe('the data folder lock', () => {
  let a: Contender
  let b: Contender
  let c: Contender
  beforeAll(async () => {
    a = new Contender()
    b = new Contender()
    c = new Contender()
    await Promise.all([a.ready, b.ready, c.ready])
    return () => {
      a.stop()
      b.stop()
      c.stop()
    }
  }, 60_000)

  it('two processes at the same instant: exactly one wins, 100 times in a row (half of them over a stale lock)', async () => {
    const stalePid = deadPid()
    let overStale = 0
    for (let round = 0; round < 100; round++) {
      const dir = tempDir('gatehouse-lock-')
      if (round % 2 === 1) {
        writeFileSync(join(dir, 'gatehouse.lock'), JSON.stringify({ pid: stalePid, nonce: 'stale' }))
        overStale++
      }
      const at = Date.now() + 30
      const answers = await Promise.all([a.send({ go: dir, at }), b.send({ go: dir, at })])
      const winners = answers.filter((answer) => answer.won)
      expect(winners, `round ${round}: ${JSON.stringify(answers)}`).toHaveLength(1)
      expect(answers.find((answer) => !answer.won)?.error).toBe('DataDirLockedError')
      // The winner's record is the lock, whole.
      expect(JSON.parse(readFileSync(join(dir, 'gatehouse.lock'), 'utf8')).nonce).not.toBe('stale')
      await Promise.all([a.send({ release: true }), b.send({ release: true })])
      expect(existsSync(join(dir, 'gatehouse.lock'))).toBe(false)
    }
    expect(overStale).toBe(50)
  }, 120_000)

  it('three processes at the same instant over a stale lock and a dead guard: exactly one wins, 100 rounds, none waiting on the dead guard', async () => {
    const stalePid = deadPid()
    const killedPid = deadPid()
    for (let round = 0; round < 100; round++) {
      const dir = tempDir('gatehouse-lock3-')
      writeFileSync(join(dir, 'gatehouse.lock'), JSON.stringify({ pid: stalePid, nonce: 'stale' }))
      // What a contender killed while holding the takeover guard leaves, written just now: an
      // older Gatehouse's guard (its record, hard-linked) or this version's (a folder holding
      // its owner's entry), alternately.
      const guard = join(dir, 'gatehouse.lock.takeover')
      const killed = { pid: killedPid, nonce: `killed-${round}` }
      if (round % 2 === 0) writeFileSync(guard, JSON.stringify(killed))
      else {
        mkdirSync(guard)
        writeFileSync(join(guard, `owner.${killed.pid}.${killed.nonce}`), JSON.stringify(killed))
      }
      const at = Date.now() + 30
      const answers = await Promise.all([a, b, c].map((contender) => contender.send({ go: dir, at })))
      const story = `round ${round}: ${JSON.stringify(answers)}`
      expect(answers.filter((answer) => answer.won), story).toHaveLength(1)
      expect(answers.filter((answer) => answer.error === 'DataDirLockedError'), story).toHaveLength(2)
      expect(Math.max(...answers.map((answer) => answer.ms)), story).toBeLessThan(2_000)
      expect(JSON.parse(readFileSync(join(dir, 'gatehouse.lock'), 'utf8')).nonce).not.toBe('stale')
      await Promise.all([a, b, c].map((contender) => contender.send({ release: true })))
      // Nothing is left behind: no lock, no guard, no contender's draft.
      expect(readdirSync(dir), story).toEqual([])
    }
  }, 60_000)

  it('a lock naming this very pid, left by an earlier process with the same pid (a container restart), is taken over', () => {
    const dir = tempDir('gatehouse-lock-')
    writeFileSync(join(dir, 'gatehouse.lock'), JSON.stringify({ pid: process.pid, nonce: 'an-earlier-life' }))
    const release = lockDataDir(dir)
    expect(JSON.parse(readFileSync(join(dir, 'gatehouse.lock'), 'utf8')).nonce).not.toBe('an-earlier-life')
    release()
  })

  it('in one process, a second open of a held folder is refused too; release frees it', () => {
    const dir = tempDir('gatehouse-lock-')
    const release = lockDataDir(dir)
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError)
    release()
    lockDataDir(dir)()
  })

  it.skipIf(Boolean(process.env.DATABASE_URL))('two servers started at once on one folder: one serves, the other exits 1 naming it (3 times)', async () => {
    const cleanups: Array<() => void | Promise<void>> = []
    try {
      for (let round = 0; round < 3; round++) {
        const dataDir = tempDir('gatehouse-lock-start-')
        const env = async () => ({
          PORT: String(await freePort()),
          GATEHOUSE_DATA_DIR: dataDir,
          GATEHOUSE_DEMO_DATA: '0',
          BOOTSTRAP_ADMIN_EMAIL: 'admin@lock.test',
          BOOTSTRAP_ADMIN_PASSWORD: 'a password for the lock test',
        })
        const [one, two] = await Promise.all([
          startServerProcess(await env(), cleanups, { waitForListening: false }),
          startServerProcess(await env(), cleanups, { waitForListening: false }),
        ])
        const outcome = await Promise.race([
          Promise.all([one!.exited, two!.exited]).then(() => 'both exited'),
          Promise.any([one!.waitFor('Gatehouse is listening', 60_000), two!.waitFor('Gatehouse is listening', 60_000)]).then(() => 'one listens'),
        ])
        expect(outcome).toBe('one listens')
        const loser = one!.lines.some((line) => line.msg === 'Gatehouse is listening') ? two! : one!
        expect(await loser.exited).toBe(1)
        expect(loser.stderr()).toMatch(/is in use by process \d+/)
        for (const cleanup of cleanups.splice(0)) await cleanup()
      }
    } finally {
      for (const cleanup of cleanups) await cleanup()
    }
  }, 120_000)
})
