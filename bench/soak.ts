import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { issueBenchKeys, postOk } from './client.js'
import { DatabaseCpu } from './database-cpu.js'
import { type Dataset, prepareDataset } from './dataset.js'
import { type Target, type Window, runWindow } from './load.js'
import type { BenchOptions } from './options.js'
import { type QueryName, anchorsFrom, requestFor, tailRequest } from './queries.js'
import { type BenchResults, renderMarkdown } from './report.js'
import { FLAT_BOUND, SOAK_WINDOW_SECONDS as WINDOW_SECONDS, type SoakResults, type SoakSample, renderSoak, soakFailures } from './soak-report.js'
import { type Paths, type RunningServer, buildGatehouse, newKeyPepper, rssMiB, startServer, stopServer } from './servers.js'

/**
 * `npm run bench -- --soak`: one compiled Gatehouse (metered, as users run it) under 50 connections
 * for 60 s (`--soak-seconds` for a shorter trial), the four reads and the write in turn, in
 * back-to-back windows, after a warm-up rotation. Every answer must be the checked one. RSS is
 * sampled every 250 ms, V8's used heap after each window. Memory is "flat" when the mean RSS over
 * the last rotation of the queries is within FLAT_BOUND of the mean over the first one after the
 * warm-up (point samples swing with the query just run and the GC's sawtooth). The figures go into bench/results.json (`soak`) and bench/results.md,
 * leaving the comparison's figures as they are.
 */

const QUERIES: QueryName[] = ['Q1', 'Q2', 'Q3-first', 'Q3-keyset', 'Q4']

/** V8's used heap of the server in MiB, from its own /metrics (loopback needs no token). */
async function heapUsedMiB(server: RunningServer): Promise<number> {
  const text = await (await fetch(new URL('/metrics', server.url))).text()
  const match = /^gatehouse_nodejs_heap_size_used_bytes (\S+)$/m.exec(text)
  return match ? Number(match[1]) / 2 ** 20 : Number.NaN
}

export async function runSoak(
  options: BenchOptions,
  dataset: Dataset,
  paths: Paths,
  meta: { commit: string; command: string },
  log: (line: string) => void,
): Promise<SoakResults> {
  const seconds = options.soakSeconds!
  log('Building Gatehouse (npm run build)…')
  buildGatehouse(paths)
  const server = await startServer({ name: 'gatehouse-metered', databaseUrl: dataset.url, businessId: dataset.business.id, paths, keyPepper: newKeyPepper() })
  const databaseCpu = await DatabaseCpu.connect(options.postgresUrl, dataset.database)
  try {
    const keys = await issueBenchKeys(server.url, dataset.admin)
    const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${keys.admin}` }
    const tail = await postOk(server.url, tailRequest('gatehouse', dataset.business.id), headers)
    const targets = new Map<QueryName, Target>()
    for (const query of QUERIES) {
      const request = requestFor('gatehouse', query, dataset.business.id, anchorsFrom('gatehouse', tail.data))
      const answer = await postOk(server.url, request, headers)
      targets.set(query, { url: server.url, headers, body: JSON.stringify(request), expected: answer.text, status: 200, pid: server.pid })
    }
    // A rotation like the soak's first, each query at full load for a window (or --warmup seconds
    // if longer): pools, JIT, caches and the heap reach their working size before the baseline.
    const warmupPerQuery = Math.max(WINDOW_SECONDS, options.warmup)
    log(`Soak: warming up (${warmupPerQuery} s per query, ${options.connections} connections)…`)
    for (const query of QUERIES) await runWindow(targets.get(query)!, warmupPerQuery, options.connections, databaseCpu, false)
    const sample = async (atSeconds: number): Promise<SoakSample> => ({ atSeconds, rssMiB: rssMiB(server.pid), heapUsedMiB: await heapUsedMiB(server) })
    const afterWarmup = await sample(0)
    const samples: SoakSample[] = [afterWarmup]
    const windows: Window[] = []
    // RSS every 250 ms through the soak: the verdict compares means over spans of equal load mix.
    const trace: Array<[number, number]> = []
    const soakStart = performance.now()
    const tracer = setInterval(() => trace.push([(performance.now() - soakStart) / 1000, rssMiB(server.pid)]), 250)
    let peak = afterWarmup.rssMiB
    let elapsed = 0
    log(`Soak: ${options.connections} connections for ${seconds} s (${QUERIES.join(', ')} in ${WINDOW_SECONDS} s windows)…`)
    for (let i = 0; elapsed < seconds; i++) {
      const length = Math.min(WINDOW_SECONDS, seconds - elapsed)
      const window = await runWindow(targets.get(QUERIES[i % QUERIES.length]!)!, length, options.connections, databaseCpu, false)
      windows.push(window)
      elapsed += length
      peak = Math.max(peak, window.peakRssMiB)
      samples.push(await sample(elapsed))
      const failed = window.errors + window.timeouts + window.non2xx + window.mismatches
      log(`  ${String(elapsed).padStart(4)} s ${QUERIES[i % QUERIES.length]}: ${Math.round(window.requests / window.seconds)} req/s, ` +
        `RSS ${samples.at(-1)!.rssMiB.toFixed(0)} MiB, heap ${samples.at(-1)!.heapUsedMiB.toFixed(0)} MiB${failed ? `, ${failed} FAILED` : ''}`)
    }
    clearInterval(tracer)
    const sum = (key: 'requests' | 'seconds' | 'errors' | 'timeouts' | 'non2xx' | 'mismatches') => windows.reduce((total, w) => total + w[key], 0)
    const end = samples.at(-1)!
    // A span is one rotation of the queries (or half the soak, if shorter): the first after the
    // warm-up, the middle one and the last see the same mix of load.
    const total = trace.at(-1)?.[0] ?? seconds
    const span = Math.min(QUERIES.length * WINDOW_SECONDS, total / 2)
    const meanBetween = (from: number, to: number) => {
      const inside = trace.filter(([t]) => t >= from && t <= to).map(([, mib]) => mib)
      return inside.reduce((a, b) => a + b, 0) / inside.length
    }
    const rss = {
      afterWarmupMiB: afterWarmup.rssMiB,
      startMiB: meanBetween(0, span),
      middleMiB: meanBetween(total / 2 - span / 2, total / 2 + span / 2),
      endMiB: meanBetween(total - span, total),
      maxMiB: Math.max(peak, ...trace.map(([, mib]) => mib)),
    }
    return {
      generatedAt: new Date().toISOString(),
      ...meta,
      connections: options.connections,
      seconds,
      warmupSeconds: warmupPerQuery * QUERIES.length,
      queries: QUERIES.join(', '),
      requests: sum('requests'),
      requestsPerSecond: sum('requests') / sum('seconds'),
      errors: sum('errors'),
      timeouts: sum('timeouts'),
      non2xx: sum('non2xx'),
      mismatches: sum('mismatches'),
      rss,
      spanSeconds: span,
      heapUsed: { afterWarmupMiB: afterWarmup.heapUsedMiB, endMiB: end.heapUsedMiB, maxMiB: Math.max(...samples.map((s) => s.heapUsedMiB)) },
      rssSlopeMiBPerMinute: slope(trace.map(([t, mib]) => [t / 60, mib])),
      boundPercent: FLAT_BOUND * 100,
      verdict: rss.endMiB <= rss.startMiB * (1 + FLAT_BOUND) ? 'flat' : 'growing',
      samples,
    }
  } finally {
    await databaseCpu.close()
    await stopServer(server)
  }
}

/** The least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0)
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0)
  return sxx === 0 ? 0 : sxy / sxx
}

/** `npm run bench -- --soak`: seeds (or reuses) its own database, soaks, records; exit code 1 on a failed request. */
export async function soakOnly(options: BenchOptions, paths: Paths, meta: { commit: string; command: string }, log: (line: string) => void): Promise<void> {
  const dataset = await prepareDataset(options, join(paths.work, 'dataset-soak.json'), log)
  log(`Data: ${dataset.totalRows.toLocaleString('en-US')} rows in ${dataset.database}; reading business ${dataset.business.slug}.`)
  const soak = await runSoak(options, dataset, paths, meta, log)
  recordSoak(join(paths.root, 'bench'), soak)
  console.log(`\n${renderSoak(soak).join('\n')}`)
  log('Written to bench/results.md and bench/results.json (soak).')
  if (soakFailures(soak) > 0) process.exitCode = 1
}

/** The soak recorded in bench/results.json, if any: a comparison run keeps it. */
export function previousSoak(benchDir: string): SoakResults | undefined {
  const jsonFile = join(benchDir, 'results.json')
  return existsSync(jsonFile) ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as BenchResults).soak : undefined
}

/** Puts the soak into bench/results.json and re-renders bench/results.md, the comparison untouched. */
export function recordSoak(benchDir: string, soak: SoakResults): void {
  const jsonFile = join(benchDir, 'results.json')
  const results = (existsSync(jsonFile) ? JSON.parse(readFileSync(jsonFile, 'utf8')) : {}) as BenchResults
  results.soak = soak
  writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`)
  const markdown = results.queries ? renderMarkdown(results) : renderSoak(soak).join('\n')
  writeFileSync(join(benchDir, 'results.md'), `${markdown}\n`)
}
