// A contender for a data folder's lock, driven by test/db/data-dir-lock.test.ts over IPC: on
// { go, at } it spins until the shared instant `at`, tries the lock, and reports whether it won,
// the error's name and message if not, and how long the attempt took; on { release } it lets go.
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
  const started = performance.now()
  const ms = () => Math.round(performance.now() - started)
  try {
    release = lockDataDir(message.go!)
    process.send!({ won: true, ms: ms() })
  } catch (error) {
    process.send!({ won: false, error: (error as Error).name, message: (error as Error).message, ms: ms() })
  }
})
process.send!({ ready: true })
