import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface ServerProcess {
  child: ChildProcess
  /** The URL of the "Gatehouse is listening" line (once it came). */
  url: URL
  /** Resolves with the first log line whose msg matches; fails if the process exits first. */
  waitFor(msg: string, timeoutMs: number): Promise<Record<string, any>>
  exited: Promise<number | null>
  /** Every log line so far, parsed (a line that is not JSON is kept as { msg }). */
  lines: Array<Record<string, any>>
  /** What the process wrote to stderr so far. */
  stderr(): string
}

/**
 * Starts `node --import tsx src/main.ts` as npm start does (spawned directly, so child.pid is the
 * server itself; `cleanups` gets its SIGKILL). With `waitForListening` (the default) it resolves
 * once the server logs that it is listening.
 */
export async function startServerProcess(
  env: Record<string, string>,
  cleanups: Array<() => Promise<void> | void>,
  options: { waitForListening?: boolean } = {},
): Promise<ServerProcess> {
  const inherited = { ...process.env }
  delete inherited.DATABASE_URL
  delete inherited.REDIS_URL
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', GATEHOUSE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const lines: Array<Record<string, any>> = []
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const waiters: Array<() => void> = []
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line))
    } catch {
      lines.push({ msg: line })
    }
    for (const wake of waiters.splice(0)) wake()
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const waitFor = async (msg: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = lines.find((line) => line.msg === msg)
      if (found) return found
      if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before "${msg}": ${stderr}`)
      if (Date.now() > deadline) throw new Error(`no "${msg}" within ${timeoutMs} ms: ${stderr}`)
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
  }
  const started: ServerProcess = { child, url: new URL('http://invalid'), waitFor, exited, lines, stderr: () => stderr }
  if (options.waitForListening ?? true) {
    const listening = await waitFor('Gatehouse is listening', 120_000)
    started.url = new URL(listening.url as string)
  }
  return started
}
