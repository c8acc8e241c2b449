import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { ServerName } from './options.js'

/** A server under test: a child process of the bench, started with `node` directly so its pid is the server's. */
export interface RunningServer {
  name: ServerName
  url: string
  pid: number
  child: ChildProcess
  logFile: string
}

export interface Paths {
  root: string
  work: string
}

/** A free loopback port (the OS picks it; the bench listens on it only long enough to learn it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export const POSTGRAPHILE_PACKAGES = ['postgraphile@^5', '@dataplan/pg@^1', 'pg@^8']

/**
 * Installs PostGraphile v5 into the gitignored work folder when it is not there yet (it must never
 * become a dependency of Gatehouse) and copies the server script beside it. Returns the versions.
 */
export function ensurePostgraphile(paths: Paths, log: (line: string) => void): Record<string, string> {
  const version = (name: string) => {
    const file = join(paths.work, 'node_modules', name, 'package.json')
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : null
  }
  if (!version('postgraphile')?.startsWith('5.') || !version('@dataplan/pg')) {
    log(`Installing ${POSTGRAPHILE_PACKAGES.join(' ')} into ${paths.work} (once)…`)
    mkdirSync(paths.work, { recursive: true })
    execFileSync('npm', ['install', '--prefix', paths.work, '--no-audit', '--no-fund', ...POSTGRAPHILE_PACKAGES], {
      stdio: ['ignore', 'inherit', 'inherit'],
    })
  }
  copyFileSync(join(paths.root, 'bench', 'postgraphile-server.mjs'), join(paths.work, 'postgraphile-server.mjs'))
  return Object.fromEntries(
    ['postgraphile', 'grafast', '@dataplan/pg', 'pg'].map((name) => [name, version(name) ?? 'missing']),
  )
}

/** The node flags `npm start` runs the server with (package.json's script): the bench runs what users run. */
function startFlags(root: string): string[] {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
  const words = scripts.start!.split(/\s+/)
  // Everything between `node` and the script: flags, and any value a flag takes as a word of its own.
  return words.slice(1, words.indexOf('dist/src/main.js'))
}

/** Compiles Gatehouse into dist/ as `npm start` does (incremental: seconds when nothing changed). */
export function buildGatehouse(paths: Paths): void {
  execFileSync(process.execPath, ['--import', 'tsx', join(paths.root, 'src', 'bin', 'build.ts')], { cwd: paths.root, stdio: ['ignore', 'inherit', 'inherit'] })
}

export interface StartOptions {
  name: ServerName
  databaseUrl: string
  /** The business the ceiling answers for (it has no credentials to tell). */
  businessId: string
  paths: Paths
  /** Shared by both Gatehouse children so a key issued through one works on the other. */
  keyPepper: string
  cpuProfDir?: string
  /** More environment for a Gatehouse child (the export bench's export folder). */
  env?: Record<string, string>
  /** A certificate the server trusts for its webhook deliveries (the bench's HTTPS receiver on loopback). */
  webhookCaFile?: string
  /**
   * 0: the server runs no webhook delivery loop (another process delivers). Default: a loop only
   * with webhookCaFile, the servers the webhook measurement uses (see startServer).
   */
  webhookWorker?: '0' | '1'
  /** The log's name when it is not the server's (a second process of the same kind). */
  logName?: string
}

/** A random pepper for this run's Gatehouse children (production mode requires one on PostgreSQL). */
export const newKeyPepper = () => randomBytes(24).toString('base64url')

/** Starts one server and waits until it answers; throws with the tail of its log if it does not. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { name, paths } = options
  const port = await freePort()
  const logsDir = join(paths.work, 'logs')
  mkdirSync(logsDir, { recursive: true })
  const logFile = join(logsDir, `${options.logName ?? name}.log`)
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1' }
  let args: string[]
  let env: NodeJS.ProcessEnv
  if (name === 'ceiling') {
    args = [join(paths.root, 'bench', 'ceiling-server.mjs')]
    env = { ...base, DATABASE_URL: options.databaseUrl, BENCH_BUSINESS_ID: options.businessId }
  } else if (name === 'postgraphile') {
    args = [join(paths.work, 'postgraphile-server.mjs')]
    // Grafast reads GRAPHILE_ENV (else NODE_ENV): production mode, no development-only checks.
    env = { ...base, GRAPHILE_ENV: 'production', DATABASE_URL: options.databaseUrl }
  } else {
    // The compiled build, as `npm start` serves it (buildGatehouse, before the first start).
    const profile = options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProfDir, name)] : []
    args = [...profile, ...startFlags(paths.root), join(paths.root, 'dist', 'src', 'main.js')]
    env = {
      ...base,
      DATABASE_URL: options.databaseUrl,
      GATEHOUSE_JIT: name === 'gatehouse' ? '0' : '1',
      GATEHOUSE_DEMO_DATA: '0',
      GATEHOUSE_LOG_LEVEL: 'warn',
      // 0 turns rate limiting and metering off (src/config.ts): the bench is one client sending
      // thousands of requests. The metered server meters every request like production does, with a
      // bucket too large for the bench to empty: what the edge costs, beside the same server without it.
      GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: '0',
      ...(name === 'gatehouse-metered' || name === 'gatehouse-my'
        ? { GATEHOUSE_COST_LIMIT: '10000000', GATEHOUSE_COST_RESTORE_RATE: '10000000' }
        : { GATEHOUSE_COST_LIMIT: '0' }),
      GATEHOUSE_KEY_PEPPER: options.keyPepper,
      GATEHOUSE_GRAPHIQL: '0',
      // The database already has an admin (bench/dataset.ts), so bootstrap does nothing; required on PostgreSQL anyway.
      BOOTSTRAP_ADMIN_EMAIL: 'bootstrap@bench.local',
      BOOTSTRAP_ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
      ...options.env,
      // The webhook write measurement's receiver: HTTPS (production mode sends nothing else) on 127.0.0.1.
      ...(options.webhookCaFile ? { NODE_EXTRA_CA_CERTS: options.webhookCaFile, GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1' } : {}),
      // Every Gatehouse with a loop claims from the one shared outbox. A server that cannot reach
      // the receiver (no certificate, loopback refused) would claim the measurement's deliveries,
      // fail them and push them to the retry schedule (5 s, 30 s, …): the full bench's 4 s
      // commit → delivery. And a loop outside the CPU meter would take work off the measured one.
      GATEHOUSE_WEBHOOK_WORKER: options.webhookWorker ?? (options.webhookCaFile ? '1' : '0'),
    }
  }
  const out = createWriteStream(logFile)
  const child = spawn(process.execPath, args, { cwd: paths.root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.pipe(out)
  child.stderr!.pipe(out)
  const server: RunningServer = { name, url: `http://127.0.0.1:${port}/graphql`, pid: child.pid!, child, logFile }
  await waitUntilAnswering(server, 60_000)
  return server
}

async function waitUntilAnswering(server: RunningServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let exited = false
  server.child.once('exit', () => {
    exited = true
  })
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(2_000),
      })
      // Gatehouse answers 401 without a credential; either way the server is up.
      if (response.status === 200 || response.status === 401) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  const tail = existsSync(server.logFile) ? readFileSync(server.logFile, 'utf8').split('\n').slice(-30).join('\n') : ''
  await stopServer(server)
  throw new Error(`${server.name} did not start (${exited ? 'it exited' : 'timed out'}). Log ${server.logFile}:\n${tail}`)
}

/** Stops a server by its own pid: SIGTERM (lets it drain and write a CPU profile), SIGKILL after 15 s. */
export async function stopServer(server: RunningServer): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()))
  process.kill(server.pid, 'SIGTERM')
  const timer = setTimeout(() => {
    if (server.child.exitCode === null) process.kill(server.pid, 'SIGKILL')
  }, 15_000)
  await exited
  clearTimeout(timer)
}

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** Resident memory of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) / 1024 : Number.NaN
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
}

/** Samples a process's RSS until stopped; returns the peak seen. */
export function sampleRss(pid: number, everyMs = 200): { stop(): number } {
  let peak = rssMiB(pid)
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid))
    } catch {
      // the process ended; keep the peak seen
    }
  }, everyMs)
  return {
    stop() {
      clearInterval(timer)
      return peak
    },
  }
}
