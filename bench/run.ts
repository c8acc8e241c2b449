/**
 * `npm run bench`: Gatehouse's read speed and memory against PostGraphile v5 on the same data, in
 * the same run, as ratios. Seeds a fresh PostgreSQL database, starts the servers as child
 * processes, checks they give the same answers, loads each with autocannon in interleaved windows
 * and writes bench/results.md and bench/results.json. `npm run bench -- --help` lists the options.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { generateApiKey } from '../src/access/credentials/api-keys.js'
import { issueBenchKeys, post, postOk } from './client.js'
import { DatabaseCpu } from './database-cpu.js'
import { committedTransactions, prepareDataset } from './dataset.js'
import { type Target, type Window, aggregate, runWindow } from './load.js'
import { type BenchOptions, DEFAULT_SERVERS, type ServerName, USAGE, UsageError, parseOptions } from './options.js'
import { busiestProfile, summariseProfile } from './profile.js'
import { QUERY_NAMES, type QueryName, READ_QUERIES, anchorsFrom, answerSummary, canonicalAnswer, requestFor, tailRequest } from './queries.js'
import { type BenchResults, SERVER_LABELS, failedRequests, renderMarkdown } from './report.js'
import { type TotalCountResult, measureTotalCount } from './total-count.js'
import { type WebhookWritesResult, loopbackCertificate, measureWebhookWrites } from './webhook-writes.js'
import { type RunningServer, buildGatehouse, ensurePostgraphile, newKeyPepper, rssMiB, startServer, stopServer } from './servers.js'
import { gatehouseVersions, gitCommit, machine } from './run-info.js'
import { previousSoak, soakOnly } from './soak.js'
import { exportBench } from './export.bench.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const paths = { root, work: join(root, 'bench', '.work') }
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Idle PostgreSQL backends flush their statistics within 10 s (PGSTAT_IDLE_INTERVAL). */
const STATS_FLUSH_MS = 11_000

const running: RunningServer[] = []

async function main(options: BenchOptions): Promise<void> {
  const startedAt = Date.now()
  mkdirSync(paths.work, { recursive: true })
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
  if (options.soakSeconds !== null) return soakOnly(options, paths, { commit: gitCommit(root), command }, log)
  if (options.exportOnly) return exportBench(options)
  const versions: Record<string, string> = { ...gatehouseVersions(root) }
  const partial = options.cpuProf || options.quick || !DEFAULT_SERVERS.every((name) => options.servers.includes(name)) || options.queries.length < QUERY_NAMES.length
  // Without PostGraphile the run still measures Gatehouse (JIT against no JIT) and says why.
  let referenceMissing: string | undefined
  const dropReference = (reason: string) => {
    referenceMissing = reason
    options.servers = options.servers.filter((name) => name !== 'postgraphile')
    log(`PostGraphile left out: ${reason}`)
  }
  if (options.servers.includes('postgraphile')) {
    try {
      for (const [name, version] of Object.entries(ensurePostgraphile(paths, log))) versions[name === 'pg' ? 'pg (PostGraphile)' : name] = version
    } catch (error) {
      dropReference(`installing it failed: ${(error as Error).message.split('\n')[0]}`)
    }
  }
  const dataset = await prepareDataset(options, join(paths.work, 'dataset.json'), log)
  log(`Data: ${dataset.totalRows.toLocaleString('en-US')} rows; reading business ${dataset.business.slug} (id ${dataset.business.id}).`)

  const profileDir = join(paths.work, 'profiles')
  if (options.cpuProf) rmSync(profileDir, { recursive: true, force: true })
  const keyPepper = newKeyPepper()
  const measureHooks = options.webhookWrites > 0 && options.servers.includes('gatehouse-jit')
  const webhookTls = measureHooks ? loopbackCertificate(paths.work) : undefined
  const startup: Record<string, { startSeconds: number; idleRssMiB: number }> = {}
  if (options.servers.some((name) => name !== 'postgraphile')) {
    log('Building Gatehouse (npm run build)…')
    buildGatehouse(paths)
  }
  // One at a time, so start-up times are not mixed up and the first Gatehouse migrates alone.
  for (const name of [...options.servers]) {
    const started = performance.now()
    let server: RunningServer
    try {
      server = await startServer({
        name, databaseUrl: dataset.url, businessId: dataset.business.id, paths, keyPepper, cpuProfDir: options.cpuProf ? profileDir : undefined,
        webhookCaFile: name === 'gatehouse-jit' ? webhookTls?.certFile : undefined,
      })
    } catch (error) {
      if (name !== 'postgraphile') throw error
      dropReference(`it did not start: ${(error as Error).message.split('\n')[0]} (log: bench/.work/logs/postgraphile.log)`)
      continue
    }
    running.push(server)
    startup[name] = { startSeconds: (performance.now() - started) / 1000, idleRssMiB: rssMiB(server.pid) }
    log(`${SERVER_LABELS[name]} on ${server.url} (pid ${server.pid}), up in ${startup[name]!.startSeconds.toFixed(1)} s.`)
  }

  const gatehouse = running.find((server) => isGatehouse(server.name))
  const keys = gatehouse ? await issueBenchKeys(gatehouse.url, dataset.admin) : { admin: '', myTeam: '' }
  // Q5's key: well-formed, checksum right, but no such key (after the first lookup, remembered as unknown).
  const unknownKey = generateApiKey().key
  const headersOf = (server: RunningServer, query: QueryName): Record<string, string> => {
    const key = query === 'Q5' ? unknownKey : server.name === 'gatehouse-my' ? keys.myTeam : keys.admin
    return { 'content-type': 'application/json', accept: 'application/json', ...(isGatehouse(server.name) ? { authorization: `Bearer ${key}` } : {}) }
  }
  // The ceiling answers Gatehouse's requests in Gatehouse's shape.
  const flavourOf = (server: RunningServer) => (server.name === 'postgraphile' ? 'postgraphile' : 'gatehouse')

  // Each server's own cursors and ids, then every request, checked for equal answers.
  const targets = new Map<string, Target>()
  const queries: BenchResults['queries'] = {}
  for (const query of options.queries) {
    let reference: { server: ServerName; canonical: unknown } | null = null
    const bodyBytes: Record<string, number> = {}
    for (const server of serversFor(query)) {
      const flavour = flavourOf(server)
      const tail = await postOk(server.url, tailRequest(flavour, dataset.business.id), headersOf(server, 'Q1'))
      const request = requestFor(flavour, query, dataset.business.id, anchorsFrom(flavour, tail.data))
      const status = query === 'Q5' ? 401 : 200
      const answer = query === 'Q5' ? await post(server.url, request, headersOf(server, query)) : await postOk(server.url, request, headersOf(server, query))
      if (answer.status !== status) throw new Error(`${query}: ${server.name} answered ${answer.status}, not ${status}: ${answer.text.slice(0, 300)}`)
      const canonical = canonicalAnswer(query, answer.data)
      if (reference === null) reference = { server: server.name, canonical }
      else if (!isDeepStrictEqual(canonical, reference.canonical)) {
        writeFileSync(join(paths.work, `mismatch-${query}.json`), JSON.stringify({ [reference.server]: reference.canonical, [server.name]: canonical }, null, 2))
        throw new Error(`${query}: ${server.name} and ${reference.server} answer differently (see bench/.work/mismatch-${query}.json)`)
      }
      bodyBytes[server.name] = Buffer.byteLength(answer.text)
      const body = JSON.stringify(request)
      targets.set(`${server.name} ${query}`, { url: server.url, headers: headersOf(server, query), body, expected: answer.text, status, pid: server.pid })
    }
    queries[query] = { title: query, answer: answerSummary(query, reference!.canonical), bodyBytes, results: {} }
    log(`${query}: same answer from ${serversFor(query).length} server(s): ${queries[query]!.answer}.`)
  }

  const transactionsPerQ2 = options.queries.includes('Q2') ? await countTransactions(options, dataset.database, targets) : {}

  // Interleaved load: per query, warm every server, then rounds that each measure every server
  // once, rotating the order, so drift on a shared machine falls on all servers alike.
  const windowSeconds = Math.max(1, Math.round(options.duration / options.rounds))
  const windows = new Map<string, Window[]>()
  const databaseCpu = await DatabaseCpu.connect(options.postgresUrl, dataset.database)
  let totalCount: TotalCountResult | undefined
  let webhookWrites: WebhookWritesResult | undefined
  let webhookWritesSeparate: WebhookWritesResult | undefined
  try {
    for (const query of options.queries) {
      const measured = serversFor(query)
      for (const server of measured) {
        if (options.warmup > 0) await runWindow(targets.get(`${server.name} ${query}`)!, options.warmup, options.connections, databaseCpu, false)
      }
      for (let round = 0; round < options.rounds; round++) {
        const order = measured.map((_, i) => measured[(i + round) % measured.length]!)
        for (const server of order) {
          const window = await runWindow(targets.get(`${server.name} ${query}`)!, windowSeconds, options.connections, databaseCpu)
          windows.set(`${server.name} ${query}`, [...(windows.get(`${server.name} ${query}`) ?? []), window])
          log(`${query} round ${round + 1}/${options.rounds} ${server.name}: ${Math.round(window.requests / window.seconds)} req/s` +
            (window.errors + window.non2xx + window.mismatches + window.timeouts ? ` (${window.errors} errors, ${window.non2xx} non-2xx, ${window.timeouts} timeouts, ${window.mismatches} wrong answers)` : ''))
        }
      }
      for (const server of measured) queries[query]!.results[server.name] = aggregate(windows.get(`${server.name} ${query}`)!)
    }
    const counted = running.find((server) => server.name === 'gatehouse-metered')
    if (options.countJobs > 0 && options.businesses > 1 && counted) {
      log(`totalCount: growing the second business to ${options.countJobs.toLocaleString('en-US')} live jobs, then measuring…`)
      totalCount = await measureTotalCount({
        databaseUrl: dataset.url, jobs: options.countJobs, server: counted, database: databaseCpu,
        windowSeconds, rounds: options.rounds, warmup: options.warmup, connections: options.connections, log,
      })
    }
    const hooked = running.find((server) => server.name === 'gatehouse-jit')
    if (webhookTls && hooked) {
      log(`Webhooks: ${options.webhookWrites} writes per window with one endpoint active and none, on ${hooked.name}…`)
      webhookWrites = await measureWebhookWrites({
        graphqlUrl: hooked.url, admin: dataset.admin, windows: WEBHOOK_WINDOWS, writes: options.webhookWrites, records: 20, tls: webhookTls,
        cpuSeconds: await databaseCpu.meter([hooked.pid]), databaseUrl: dataset.url,
      })
      logWebhookWrites(webhookWrites)
      // The query servers are done. The hooked one's loop would deliver beside the second
      // process, outside its CPU meter: only the two processes measured touch the outbox.
      for (const server of [...running]) await stopAndForget(server)
      webhookWritesSeparate = await measureSeparateDelivery(options, dataset, keyPepper, webhookTls, databaseCpu)
    }
  } finally {
    await databaseCpu.close()
  }

  // Under read load (Q1–Q3): Q4 and Q5 are measured on some servers only.
  const peakRss = (name: string) => Math.max(...options.queries.filter((q) => READ_QUERIES.includes(q)).map((q) => queries[q]!.results[name]?.peakRssMiB ?? 0))
  for (const server of [...running]) await stopAndForget(server)
  let profile: BenchResults['profile']
  if (options.cpuProf) {
    profile = {}
    for (const name of options.servers.filter((n) => n !== 'postgraphile')) {
      const file = existsSync(join(profileDir, name)) ? busiestProfile(join(profileDir, name)) : null
      if (file) profile[name] = summariseProfile(file, startup[name]!.startSeconds + 1)
    }
  }

  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    commit: gitCommit(root),
    machine: await machine(options.postgresUrl),
    versions,
    command,
    dataset: {
      database: dataset.database,
      rows: dataset.totalRows,
      counts: dataset.counts,
      sizes: `${options.businesses} businesses × ${options.jobs.toLocaleString('en-US')} jobs × (${options.ordersPerJob} sales + ` +
        `${options.ordersPerJob} purchase orders) × ~${options.linesPerOrder} lines, ${options.contacts.toLocaleString('en-US')} contacts each`,
      seedSeconds: dataset.seedSeconds,
      reused: dataset.reused,
      business: `${dataset.business.slug} (${dataset.business.jobs.toLocaleString('en-US')} jobs)`,
    },
    load: {
      connections: options.connections,
      warmupSeconds: options.warmup,
      measuredSeconds: windowSeconds * options.rounds,
      rounds: options.rounds,
      schedule: `Queries in turn; for each, every server is warmed up, then ${options.rounds} rounds each measure every server ` +
        `once for ${windowSeconds} s, the order rotating by one server per round. One server is loaded at a time; the others idle.`,
    },
    servers: Object.fromEntries(options.servers.map((name) => [name, { label: SERVER_LABELS[name], ...startup[name]!, peakRssMiB: peakRss(name) }])),
    transactionsPerQ2,
    queries: Object.fromEntries(Object.entries(queries).map(([name, entry]) => [name, { ...entry, title: name }])),
    profile,
    totalCount,
    webhookWrites,
    webhookWritesSeparate,
    referenceMissing,
    wallSeconds: (Date.now() - startedAt) / 1000,
    soak: previousSoak(join(root, 'bench')),
  }
  // Only a whole, unprofiled run replaces the committed results; a partial or profiled one goes to bench/.work.
  const outDir = partial ? paths.work : join(root, 'bench')
  // Raw latencies stay out of the JSON: the percentiles are what the report needs.
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  const markdown = renderMarkdown(results)
  writeFileSync(join(outDir, 'results.md'), `${markdown}\n`)
  console.log(`\n${markdown}`)
  log(`Done in ${(results.wallSeconds / 60).toFixed(1)} min: ${join(outDir, 'results.md').slice(root.length)} and results.json.`)
  if (failedRequests(results) > 0) {
    log(`${failedRequests(results)} requests failed or answered wrongly under load.`)
    process.exitCode = 1
  }
}

/** Transactions committed in the bench database per sequential Q2 request, server by server. */
async function countTransactions(options: BenchOptions, database: string, targets: Map<string, Target>): Promise<Record<string, number>> {
  log(`Counting transactions per Q2 request (${options.countRequests} requests per server; ~${Math.round(((running.length + 1) * STATS_FLUSH_MS) / 1000)} s)…`)
  const counts: Record<string, number> = {}
  await sleep(STATS_FLUSH_MS)
  // Idle servers commit too (each Gatehouse's LISTEN heartbeat, 4 a second; its background
  // loops): measured first with no request, that rate is taken off each server's count.
  const idleStart = performance.now()
  const idleBefore = await committedTransactions(options.postgresUrl, database)
  await sleep(STATS_FLUSH_MS)
  let before = await committedTransactions(options.postgresUrl, database)
  let since = performance.now()
  const idlePerMs = (before - idleBefore) / (since - idleStart)
  log(`  idle: ${(idlePerMs * 1000).toFixed(1)} transactions a second, taken off each count`)
  for (const server of running) {
    const target = targets.get(`${server.name} Q2`)!
    for (let i = 0; i < options.countRequests; i++) {
      const answer = await post(target.url, JSON.parse(target.body), target.headers)
      if (answer.text !== target.expected) throw new Error(`${server.name}: Q2 answer changed while counting`)
    }
    await sleep(STATS_FLUSH_MS)
    const after = await committedTransactions(options.postgresUrl, database)
    const now = performance.now()
    counts[server.name] = (after - before - idlePerMs * (now - since)) / options.countRequests
    log(`  ${server.name}: ${counts[server.name]!.toFixed(2)} per request`)
    before = after
    since = now
  }
  return counts
}

const isGatehouse = (name: ServerName) => name.startsWith('gatehouse')

const logWebhookWrites = (result: WebhookWritesResult) =>
  log(`  write p50 ${result.writeMs.none.p50.toFixed(1)} → ${result.writeMs.one.p50.toFixed(1)} ms (${result.addedP50Percent.toFixed(1)} %), ` +
    `commit → delivery p50 ${result.commitToDeliveryMs.p50.toFixed(1)} ms, p99 ${result.commitToDeliveryMs.p99.toFixed(1)} ms` +
    (result.cpuPerWriteMs ? `, CPU per write ${result.cpuPerWriteMs.none.toFixed(2)} → ${result.cpuPerWriteMs.one.toFixed(2)} ms (${result.cpuPerWriteMs.addedPercent.toFixed(1)} %; ` +
      `PostgreSQL ${result.cpuPerWriteMs.databaseNone.toFixed(2)} → ${result.cpuPerWriteMs.databaseOne.toFixed(2)} ms)` : ''))

/**
 * Windows of each kind (endpoint active, none) in a webhook write measurement, alternating. With 4,
 * the added median moved by ±5 points between runs of one build on this shared machine; more
 * alternations spread drift over both kinds alike (8 × 150 writes each: about 20 s).
 */
const WEBHOOK_WINDOWS = 8

/**
 * The same webhook measurement with the delivery loop in a process of its own: a JIT Gatehouse
 * without one (GATEHOUSE_WEBHOOK_WORKER=0) takes the writes, a second delivers (the deployment
 * docs/webhooks.md suggests for write-heavy instances).
 */
async function measureSeparateDelivery(
  options: BenchOptions,
  dataset: Awaited<ReturnType<typeof prepareDataset>>,
  keyPepper: string,
  tls: ReturnType<typeof loopbackCertificate>,
  databaseCpu: DatabaseCpu,
): Promise<WebhookWritesResult> {
  const common = { name: 'gatehouse-jit' as const, databaseUrl: dataset.url, businessId: dataset.business.id, paths, keyPepper, webhookCaFile: tls.certFile }
  const writer = await startServer({ ...common, webhookWorker: '0', logName: 'webhook-writer' })
  running.push(writer)
  try {
    // With --cpu-prof, the deliverer's profile goes to profiles/gatehouse-jit/ beside the others (its pid names it).
    const deliverer = await startServer({ ...common, webhookWorker: '1', logName: 'webhook-deliverer', cpuProfDir: options.cpuProf ? join(paths.work, 'profiles') : undefined })
    running.push(deliverer)
    log(`Webhooks, delivered by a second process (pid ${deliverer.pid}); writes on pid ${writer.pid}…`)
    const result = await measureWebhookWrites({
      graphqlUrl: writer.url, admin: dataset.admin, windows: WEBHOOK_WINDOWS, writes: options.webhookWrites, records: 20, tls,
      cpuSeconds: await databaseCpu.meter([writer.pid, deliverer.pid]), databaseUrl: dataset.url,
    })
    logWebhookWrites(result)
    await stopAndForget(deliverer)
    return result
  } finally {
    await stopAndForget(writer)
  }
}

/**
 * The servers a query is measured on: the reads on all; the write on Gatehouse with an admin key
 * (the MY key's role reads only); the bad key on every Gatehouse (the others have no keys).
 */
function serversFor(query: QueryName): RunningServer[] {
  if (READ_QUERIES.includes(query)) return running
  if (query === 'Q4') return running.filter((server) => isGatehouse(server.name) && server.name !== 'gatehouse-my')
  return running.filter((server) => isGatehouse(server.name))
}

async function stopAndForget(server: RunningServer): Promise<void> {
  await stopServer(server)
  running.splice(running.indexOf(server), 1)
}

async function stopAll(): Promise<void> {
  await Promise.all(running.map((server) => stopServer(server).catch(() => {})))
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers…`)
    void stopAll().then(() => process.exit(130))
  })
}

let options: BenchOptions | null
try {
  options = parseOptions(process.argv.slice(2))
} catch (error) {
  if (!(error instanceof UsageError)) throw error
  console.error(`bench: ${error.message}\n\n${USAGE}`)
  process.exit(2)
}
if (options === null) {
  console.log(USAGE)
} else {
  try {
    await main(options)
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    process.exitCode = 1
  } finally {
    await stopAll()
  }
}
