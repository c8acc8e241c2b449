/**
 * `npm run bench -- --export` (or `npm run bench:export`): a bulk export of the bench business (jobs with their sales and purchase
 * orders, lines inline, and contacts) against the same data paged through GraphQL at 100 per page,
 * on the compiled server as a child process. Reports lines per second both ways, the ratio, and the
 * server's peak RSS above idle while exporting. Takes `npm run bench`'s data options (`--jobs`,
 * `--businesses`, `--reuse-data`…); the dataset is the same, in the same database.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { issueBenchKeys, postOk } from './client.js'
import { prepareDataset } from './dataset.js'
import { type BenchOptions, USAGE, UsageError, parseOptions } from './options.js'
import { DatabaseCpu } from './database-cpu.js'
import { buildGatehouse, cpuSeconds, newKeyPepper, rssMiB, sampleRss, startServer, stopServer } from './servers.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const paths = { root, work: join(root, 'bench', '.work') }
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** src/config.ts's defaults for a principal's cost bucket. */
const DEFAULT_BUDGET = { limit: 50_000, restoreRate: 1_000 }
const ORDER = 'number status total lines { position sku description quantity unitPrice amount }'
const EXPORT_QUERY = `{
  jobs { nodes { number name status inHandsDate salesOrders { nodes { ${ORDER} } } purchaseOrders { nodes { ${ORDER.replace('unitPrice', 'unitCost')} } } } }
  contacts { nodes { name type company title } }
}`
/** The same data as a partner pages it: 100 jobs (their orders nested) a page, then 100 contacts a page. */
const PAGED = {
  jobs: `query($after: String) { jobs(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id __typename number name status inHandsDate
    salesOrders(first: 100) { pageInfo { hasNextPage } nodes { id __typename ${ORDER} } }
    purchaseOrders(first: 100) { pageInfo { hasNextPage } nodes { id __typename ${ORDER.replace('unitPrice', 'unitCost')} } } } } }`,
  contacts: 'query($after: String) { contacts(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id __typename name type company title } } }',
}

/** Bytes of a download as they travel (fetch would decompress them). */
function downloadedBytes(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      let bytes = 0
      response.on('data', (chunk: Buffer) => (bytes += chunk.length))
      response.on('end', () => (response.statusCode === 200 ? resolve(bytes) : reject(new Error(`download answered ${response.statusCode}`))))
    }).on('error', reject).end()
  })
}

/**
 * Pages PAGED to its end, counting objects as the export counts lines and adding up each page's
 * price; a 429 is waited out for its Retry-After and the page asked again, as a partner's client does.
 */
async function pageEverything(url: string, headers: Record<string, string>) {
  let objects = 0
  let requests = 0
  let points = 0
  let throttled = 0
  let waitedSeconds = 0
  for (const [field, query] of Object.entries(PAGED)) {
    let after: string | null = null
    for (;;) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables: { after } }),
        signal: AbortSignal.timeout(30_000),
      })
      const text = await response.text()
      requests++
      if (response.status === 429) {
        const wait = Number(response.headers.get('retry-after'))
        if (!(wait >= 0)) throw new Error(`429 without a usable Retry-After: ${text.slice(0, 300)}`)
        throttled++
        waitedSeconds += wait
        await sleep(wait * 1000)
        continue
      }
      const answer = JSON.parse(text) as { data?: any; errors?: unknown[]; extensions?: { cost?: { actualQueryCost?: number } } }
      if (response.status !== 200 || answer.errors || !answer.data) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 500)}`)
      const page = answer.data[field]
      points += answer.extensions?.cost?.actualQueryCost ?? 0
      for (const node of page.nodes) objects += 1 + (node.salesOrders?.nodes.length ?? 0) + (node.purchaseOrders?.nodes.length ?? 0)
      if (!page.pageInfo.hasNextPage) break
      after = page.pageInfo.endCursor
    }
  }
  return { objects, requests, points, throttled, waitedSeconds }
}

/** The export scenario; `npm run bench -- --export` runs it through bench/run.ts. */
export async function exportBench(options: BenchOptions): Promise<void> {
  mkdirSync(paths.work, { recursive: true })
  // A state file of its own: reusing the export's database must not make `npm run bench` reseed its own.
  const dataset = await prepareDataset(options, join(paths.work, 'export-dataset.json'), log)
  log(`Data: ${dataset.totalRows.toLocaleString('en-US')} rows; exporting business ${dataset.business.slug}.`)
  log('Building Gatehouse (npm run build)…')
  buildGatehouse(paths)
  const exportDir = join(paths.work, 'exports')
  rmSync(exportDir, { recursive: true, force: true })
  const server = await startServer({
    name: 'gatehouse-metered', databaseUrl: dataset.url, businessId: dataset.business.id, paths, keyPepper: newKeyPepper(),
    env: { GATEHOUSE_EXPORT_DIR: exportDir },
  })
  try {
    const keys = await issueBenchKeys(server.url, dataset.admin)
    const headers = { authorization: `Bearer ${keys.admin}` }
    const origin = new URL(server.url).origin
    await sleep(2_000)
    const idle = rssMiB(server.pid)

    // The export: start, poll once a second (as a partner would), download the file.
    // CPU seconds of the server and of PostgreSQL's backends for the bench database, per phase: where the time goes.
    const databaseCpu = await DatabaseCpu.connect(options.postgresUrl, options.database)
    const cpu = async () => ({ server: cpuSeconds(server.pid), database: await databaseCpu.snapshot() })
    const cpuSpent = async (since: Awaited<ReturnType<typeof cpu>>) => {
      const now = await cpu()
      return { serverSeconds: now.server - since.server, databaseSeconds: DatabaseCpu.between(since.database, now.database) }
    }
    const rss = sampleRss(server.pid, 100)
    const exportCpuStart = await cpu()
    const started = performance.now()
    const start = await postOk(server.url, { query: 'mutation($q: String!) { startBulkExport(input: { query: $q }) { id } }', variables: { q: EXPORT_QUERY } }, headers)
    const id = start.data.startBulkExport.id as string
    let state: { status: string; objectCount: number; bytes: number; url: string | null; errorCode: string | null }
    for (;;) {
      state = (await postOk(server.url, { query: 'query($id: ID!) { bulkExport(id: $id) { status objectCount bytes url errorCode } }', variables: { id } }, headers)).data.bulkExport
      if (state.status !== 'CREATED' && state.status !== 'RUNNING') break
      await sleep(200)
    }
    const written = performance.now()
    const exportCpu = await cpuSpent(exportCpuStart)
    const writingPeak = rss.stop()
    const downloadRss = sampleRss(server.pid, 100)
    if (state.status !== 'COMPLETED') throw new Error(`export ended ${state.status} (${state.errorCode})`)
    const gzipped = await downloadedBytes(`${origin}${state.url}`, { ...headers, 'accept-encoding': 'gzip' })
    const exportSeconds = (performance.now() - started) / 1000
    const peak = Math.max(writingPeak, downloadRss.stop())
    log(`Export: ${state.objectCount.toLocaleString('en-US')} lines, ${(state.bytes / 2 ** 20).toFixed(1)} MiB (${(gzipped / 2 ** 20).toFixed(1)} MiB gzipped) ` +
      `in ${exportSeconds.toFixed(1)} s (written in ${((written - started) / 1000).toFixed(1)} s).`)

    // The same data paged through GraphQL at 100 per page, each page's price (extensions.cost) added up.
    const pagedRss = sampleRss(server.pid, 100)
    const pagedCpuStart = await cpu()
    const pagedStarted = performance.now()
    const { objects, requests, points } = await pageEverything(server.url, headers)
    const pagedSeconds = (performance.now() - pagedStarted) / 1000
    const pagedCpu = await cpuSpent(pagedCpuStart)
    await databaseCpu.close()
    const pagedPeak = pagedRss.stop()
    // What a partner on the default budget waits for at least: a full bucket, then the restore rate.
    const budgetWaitSeconds = Math.max(0, points - DEFAULT_BUDGET.limit) / DEFAULT_BUDGET.restoreRate
    if (objects !== state.objectCount) throw new Error(`paging read ${objects} objects, the export ${state.objectCount}`)

    // The partner's view: the same paging against a server with the default cost budget, waiting
    // out each 429 for its Retry-After as the contract tells a client to. The export above spent
    // one start and its polls of that budget.
    log('Paging again as a partner on the default cost budget (a server of its own)…')
    const budgeted = await startServer({
      name: 'gatehouse-metered', logName: 'gatehouse-default-budget', databaseUrl: dataset.url, businessId: dataset.business.id, paths, keyPepper: newKeyPepper(),
      env: { GATEHOUSE_EXPORT_DIR: exportDir, GATEHOUSE_COST_LIMIT: String(DEFAULT_BUDGET.limit), GATEHOUSE_COST_RESTORE_RATE: String(DEFAULT_BUDGET.restoreRate) },
    })
    let partner: Awaited<ReturnType<typeof pageEverything>> & { seconds: number }
    try {
      const budgetedKeys = await issueBenchKeys(budgeted.url, dataset.admin)
      const partnerStarted = performance.now()
      const paged = await pageEverything(budgeted.url, { authorization: `Bearer ${budgetedKeys.admin}` })
      partner = { ...paged, seconds: (performance.now() - partnerStarted) / 1000 }
    } finally {
      await stopServer(budgeted)
    }
    if (partner.objects !== state.objectCount) throw new Error(`budgeted paging read ${partner.objects} objects, the export ${state.objectCount}`)
    const results = {
      generatedAt: new Date().toISOString(),
      dataset: { rows: dataset.totalRows, business: dataset.business.slug, jobs: dataset.business.jobs },
      export: {
        lines: state.objectCount, bytes: state.bytes, gzippedBytes: gzipped, seconds: exportSeconds, linesPerSecond: state.objectCount / exportSeconds,
        // Start → COMPLETED (polled every 200 ms), without the gzipped download.
        writtenSeconds: (written - started) / 1000,
        cpu: exportCpu,
      },
      paged: { requests, seconds: pagedSeconds, linesPerSecond: objects / pagedSeconds, points, budgetWaitSeconds, peakRssMiB: pagedPeak, cpu: pagedCpu },
      pagedOnDefaultBudget: {
        requests: partner.requests, throttled: partner.throttled, waitedSeconds: partner.waitedSeconds, seconds: partner.seconds,
        linesPerSecond: partner.objects / partner.seconds, budget: DEFAULT_BUDGET,
      },
      speedup: pagedSeconds / exportSeconds,
      speedupOnDefaultBudget: partner.seconds / exportSeconds,
      speedupWritten: pagedSeconds / ((written - started) / 1000),
      rss: { idleMiB: idle, peakMiB: peak, aboveIdleMiB: peak - idle, writingAboveIdleMiB: writingPeak - idle },
    }
    writeFileSync(join(paths.work, 'export-results.json'), `${JSON.stringify(results, null, 2)}\n`)
    log(`Export ${Math.round(results.export.linesPerSecond).toLocaleString('en-US')} lines/s; paged at 100/page ` +
      `${Math.round(results.paged.linesPerSecond).toLocaleString('en-US')} lines/s (${requests} requests): export ${results.speedup.toFixed(1)}× faster ` +
      `(${results.speedupWritten.toFixed(1)}× to COMPLETED, before the download).`)
    const cpuLine = (what: string, spent: typeof exportCpu) =>
      `${what}: server ${spent.serverSeconds.toFixed(2)} s CPU, PostgreSQL ${spent.databaseSeconds.toFixed(2)} s CPU`
    log(`${cpuLine('Export to COMPLETED', exportCpu)}; ${cpuLine('paging', pagedCpu)}.`)
    log(`Paging cost ${points.toLocaleString('en-US')} points: on the default budget (${DEFAULT_BUDGET.limit} points, ` +
      `${DEFAULT_BUDGET.restoreRate}/s) a partner waits at least ${Math.round(budgetWaitSeconds).toLocaleString('en-US')} s for it.`)
    log(`As a partner on the default budget: paged in ${partner.seconds.toFixed(1)} s (${partner.requests} requests, ${partner.throttled} answered 429, ` +
      `${partner.waitedSeconds.toFixed(1)} s waiting): the export is ${results.speedupOnDefaultBudget.toFixed(1)}× faster.`)
    log(`Server RSS while paging: peak ${pagedPeak.toFixed(0)} MiB (+${(pagedPeak - idle).toFixed(0)} MiB above idle).`)
    log(`Server RSS: idle ${idle.toFixed(0)} MiB, peak during the export ${peak.toFixed(0)} MiB (+${results.rss.aboveIdleMiB.toFixed(0)} MiB; ` +
      `+${results.rss.writingAboveIdleMiB.toFixed(0)} MiB until COMPLETED, before the download).`)
  } finally {
    await stopServer(server)
  }
}

// Run directly (`npm run bench:export -- …`): the same options as `npm run bench -- --export …`.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const options = parseOptions([...process.argv.slice(2), '--export'])
    if (options) await exportBench(options)
    else console.log(USAGE)
  } catch (error) {
    console.error(error instanceof UsageError ? `${error.message}\n\n${USAGE}` : error)
    process.exit(1)
  }
}
