import autocannon from 'autocannon'
import { DatabaseCpu } from './database-cpu.js'
import { cpuSeconds, sampleRss } from './servers.js'

/** One prepared request: what autocannon sends, and the exact answer every response must be. */
export interface Target {
  url: string
  headers: Record<string, string>
  body: string
  /** The server's answer to this request before the load; a response that differs is a mismatch. */
  expected: string
  /** The status every answer must have (Q5's is 401). */
  status: number
  pid: number
}

/** What one load window measured. */
export interface Window {
  seconds: number
  requests: number
  /** Every response time in milliseconds, for exact percentiles over several windows. */
  latencies: number[]
  errors: number
  timeouts: number
  non2xx: number
  mismatches: number
  bytes: number
  /** CPU seconds the server process used during the window (user + system). */
  serverCpuSeconds: number
  /** CPU seconds of the PostgreSQL backends of the bench database during the window. */
  databaseCpuSeconds: number
  peakRssMiB: number
}

/** Runs autocannon against one target for `seconds`; `record` keeps every latency. */
export async function runWindow(
  target: Target,
  seconds: number,
  connections: number,
  database: DatabaseCpu,
  record = true,
): Promise<Window> {
  const latencies: number[] = []
  const databaseBefore = await database.snapshot()
  const cpuBefore = cpuSeconds(target.pid)
  const rss = sampleRss(target.pid)
  const cut = target.expected.indexOf(',"extensions":{"cost":')
  const metered = cut > 0 && target.expected.includes('"throttleStatus"') ? target.expected.slice(0, cut) : null
  const window = await new Promise<Omit<Window, 'databaseCpuSeconds'>>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        headers: target.headers,
        body: target.body,
        connections,
        duration: seconds,
        pipelining: 1,
        timeout: 30,
        // A cheap string comparison: every answer under load must be exactly the checked one (up to
        // its extensions, when they report a bucket that changes from request to request).
        verifyBody: metered
          ? (body) => body.startsWith(metered)
          : (body) => body.length === target.expected.length && body === target.expected,
      },
      (error, result) => {
        const peakRssMiB = rss.stop()
        if (error) return reject(error)
        resolve({
          seconds: result.duration,
          requests: result.requests.total,
          latencies,
          errors: result.errors,
          timeouts: result.timeouts,
          // Answers of another status than the target's (autocannon itself counts only non-2xx).
          non2xx: result.requests.total - ((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats?.[String(target.status)]?.count ?? 0),
          mismatches: result.mismatches,
          bytes: result.throughput.total,
          serverCpuSeconds: cpuSeconds(target.pid) - cpuBefore,
          peakRssMiB,
        })
      },
    )
    if (record) instance.on('response', (_client, _status, _bytes, responseTimeMs) => latencies.push(responseTimeMs))
  })
  return { ...window, databaseCpuSeconds: DatabaseCpu.between(databaseBefore, await database.snapshot()) }
}

/** The p-th percentile (0–100) of a list of numbers, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}

/** Several windows of one server and query, added up. */
export interface Aggregate {
  requests: number
  seconds: number
  requestsPerSecond: number
  p50: number
  p97_5: number
  p99: number
  errors: number
  timeouts: number
  non2xx: number
  mismatches: number
  bytesPerResponse: number
  serverCpuMsPerRequest: number
  databaseCpuMsPerRequest: number
  peakRssMiB: number
  /** Requests per second of each window, in round order. */
  perRound: number[]
  /** CPU ms per request (server + PostgreSQL) of each window, in round order. */
  cpuPerRound: number[]
}

/** Adds windows up: throughput over the total time, percentiles over every response. */
export function aggregate(windows: readonly Window[]): Aggregate {
  const requests = windows.reduce((sum, w) => sum + w.requests, 0)
  const seconds = windows.reduce((sum, w) => sum + w.seconds, 0)
  const sorted = windows.flatMap((w) => w.latencies).sort((a, b) => a - b)
  const sum = (key: 'errors' | 'timeouts' | 'non2xx' | 'mismatches' | 'bytes' | 'serverCpuSeconds' | 'databaseCpuSeconds') =>
    windows.reduce((total, w) => total + w[key], 0)
  return {
    requests,
    seconds,
    requestsPerSecond: requests / seconds,
    p50: percentile(sorted, 50),
    p97_5: percentile(sorted, 97.5),
    p99: percentile(sorted, 99),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    non2xx: sum('non2xx'),
    mismatches: sum('mismatches'),
    bytesPerResponse: requests ? sum('bytes') / requests : 0,
    serverCpuMsPerRequest: requests ? (sum('serverCpuSeconds') * 1000) / requests : Number.NaN,
    databaseCpuMsPerRequest: requests ? (sum('databaseCpuSeconds') * 1000) / requests : Number.NaN,
    peakRssMiB: Math.max(...windows.map((w) => w.peakRssMiB)),
    perRound: windows.map((w) => w.requests / w.seconds),
    cpuPerRound: windows.map((w) => (w.requests ? ((w.serverCpuSeconds + w.databaseCpuSeconds) * 1000) / w.requests : Number.NaN)),
  }
}
