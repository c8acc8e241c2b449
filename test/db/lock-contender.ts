// A contender for a data folder's lock, driven by test/db/data-dir-lock.test.ts over IPC: on
// { go, at } it spins until the shared instant `at`, tries the lock, and reports; on { release }
// it lets go.
import { lockDataDir } from '../../src/db/data-dir-lock.js'

let release: (() => void) | undefined
process.on('message', (message: { go?: string; at?: number; release?: boolean; exit?: boolean }) => {
  if (message.exit) process.exit(0)
  if (message.release) {
    release?.()
    release = undefined
    process.send!({ released: true })
    return
  }
  while (Date.now() < message.at!) {
    // Spin: both contenders leave this loop in the same millisecond.
  }
  try {
    release = lockDataDir(message.go!)
    process.send!({ won: true })
  } catch (error) {
    process.send!({ won: false, error: (error as Error).name })
  }
})
process.send!({ ready: true })
