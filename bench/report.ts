import type { Aggregate } from './load.js'
import type { TotalCountResult } from './total-count.js'
import { type WebhookWritesResult, webhookWritesSection } from './webhook-writes.js'
import type { ServerName } from './options.js'
import { QUERY_TITLES, type QueryName } from './queries.js'
import { type SoakResults, renderSoak } from './soak-report.js'

/** Everything a run found; written as bench/results.json and rendered as bench/results.md. */
export interface BenchResults {
  generatedAt: string
  commit: string
  machine: { cpus: number; cpuModel: string; memoryGiB: number; os: string; node: string; postgres: string }
  versions: Record<string, string>
  command: string
  dataset: { database: string; rows: number; counts: Record<string, number>; sizes: string; seedSeconds: number; reused: boolean; business: string }
  load: { connections: number; warmupSeconds: number; measuredSeconds: number; rounds: number; schedule: string }
  servers: Record<string, { label: string; startSeconds: number; idleRssMiB: number; peakRssMiB: number }>
  /** Transactions committed in the bench database per Q2 request (see results.md for the method). */
  transactionsPerQ2: Record<string, number>
  queries: Record<string, {
    title: string
    answer: string
    bodyBytes: Record<string, number>
    results: Record<string, Aggregate>
  }>
  profile?: Record<string, string[]>
  /** What totalCount adds on a big business (bench/total-count.ts); absent when not measured. */
  totalCount?: TotalCountResult
  /** What one active webhook endpoint adds to a write, and commit → delivery (bench/webhook-writes.ts); absent when not measured. */
  webhookWrites?: WebhookWritesResult
  /** The same with the delivery loop in a second process (the writing server runs none). */
  webhookWritesSeparate?: WebhookWritesResult
  /** Why PostGraphile is not in the run, when it is not. */
  referenceMissing?: string
  wallSeconds: number
  /** The last `npm run bench -- --soak` (bench/soak.ts), kept across comparison runs. */
  soak?: SoakResults
}

export const SERVER_LABELS: Record<ServerName, string> = {
  ceiling: 'the ceiling (node:http + pg, hand-written SQL, prepared)',
  'gatehouse-metered': 'Gatehouse, admin key (metered, as users run it)',
  'gatehouse-my': 'Gatehouse, MY-team key (metered)',
  'gatehouse-jit': 'Gatehouse, admin key, metering off',
  gatehouse: 'Gatehouse, graphql-js (GATEHOUSE_JIT=0), metering off',
  postgraphile: 'PostGraphile v5 (amber)',
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–')
const times = (value: number | null) => (value === null || !Number.isFinite(value) ? '–' : `${value.toFixed(2)}×`)
const int = (value: number) => Math.round(value).toLocaleString('en-US')

/** Errors, non-2xx answers, timeouts and wrong answers over every server and query: must be 0. */
export function failedRequests(results: BenchResults): number {
  return Object.values(results.queries)
    .flatMap((entry) => Object.values(entry.results))
    .reduce((sum, r) => sum + r.errors + r.non2xx + r.timeouts + r.mismatches, 0)
}

/** Renders the results as the Markdown the lead commits. */
export function renderMarkdown(results: BenchResults): string {
  const servers = Object.keys(results.servers) as ServerName[]
  const queries = Object.keys(results.queries) as QueryName[]
  const hasReference = servers.includes('postgraphile')
  const lines: string[] = []
  lines.push('# `npm run bench`: Gatehouse against PostGraphile v5', '')
  lines.push(
    `${results.generatedAt.slice(0, 16).replace('T', ' ')} UTC · commit \`${results.commit}\` · \`${results.command}\` · ` +
      `${Math.round(results.wallSeconds / 60)} min wall time`,
    '',
  )
  lines.push(
    `**Machine:** ${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGiB} GiB, ${results.machine.os}; ` +
      `Node ${results.machine.node}; ${results.machine.postgres}. The load generator (autocannon) runs on the same box, ` +
      'so absolute numbers swing run to run: read the ratios.',
    '',
  )
  lines.push(
    `**Data:** ${results.dataset.sizes}: ${int(results.dataset.rows)} rows in \`${results.dataset.database}\`` +
      (results.dataset.reused ? ' (reused from the previous run)' : `, seeded in ${fixed(results.dataset.seedSeconds)} s`) +
      `, then VACUUM ANALYZE. Every request reads business ${results.dataset.business}.`,
    '',
  )
  lines.push(
    `**Load:** ${results.load.connections} connections; per query and server ${results.load.warmupSeconds} s warm-up, then ` +
      `${results.load.measuredSeconds} s measured in ${results.load.rounds} windows. ${results.load.schedule}`,
    '',
  )
  lines.push(`**Versions:** ${Object.entries(results.versions).map(([name, version]) => `${name} ${version}`).join(', ')}.`, '')
  if (results.referenceMissing) lines.push(`> **PostGraphile is missing from this run:** ${results.referenceMissing}`, '')
  const failures = failedRequests(results)
  if (failures > 0) lines.push(`> **Warning:** ${failures} requests failed or answered wrongly under load (see the tables); the figures are suspect.`, '')

  if (servers.includes('ceiling')) lines.push(...ratioSection(results, servers, queries, 'ceiling'))
  if (hasReference) lines.push(...ratioSection(results, servers, queries, 'postgraphile'))
  if (servers.includes('gatehouse-my') && servers.includes('gatehouse-metered')) {
    lines.push(
      '## The MY-team key against the admin key',
      '',
      'The same server configuration, two keys: one whose role reads MY records (owned by someone in its team, a team every ' +
        'owner of the data was put in, so both see the same rows) and the built-in Admin role. Each cell: MY ÷ admin, overall ' +
        '(window range). Aim: ≥ 0.9× on every query.',
      '',
      ...pairTable(results, queries, 'gatehouse-my', 'gatehouse-metered'),
      '',
    )
  }
  if (servers.includes('gatehouse-metered') && servers.includes('gatehouse-jit')) {
    lines.push(
      '## What metering costs',
      '',
      'The same server with cost metering on (a bucket per principal, taken before and refunded after each request, ' +
        'the bucket in `extensions.cost` and the X-RateLimit headers) against metering off (`GATEHOUSE_COST_LIMIT=0`). Both price ' +
        'every query (the 100,000-point ceiling, the cost report), run the static limits and count usage per key. Each cell: ' +
        'metered ÷ off, overall (window range).',
      '',
      ...pairTable(results, queries, 'gatehouse-metered', 'gatehouse-jit'),
      '',
    )
  }
  if (results.totalCount) lines.push(...totalCountSection(results.totalCount))
  const targets = targetRows(results, queries)
  if (results.totalCount) {
    const added = results.totalCount.addedCpuMs
    targets.push(`| totalCount at ${int(results.totalCount.jobs)} jobs adds ≤ 2 ms | CPU/req +${fixed(added, 2)} ms | ${added <= 2 ? 'met' : '**missed**'} |`)
  }
  if (results.webhookWrites) {
    lines.push(...webhookWritesSection(results.webhookWrites, results.webhookWritesSeparate))
    for (const [where, result] of [['delivered in process', results.webhookWrites], ['delivered by another process', results.webhookWritesSeparate]] as const) {
      if (!result) continue
      const added = result.addedP50Percent
      const cpuAdded = result.cpuPerWriteMs?.addedPercent
      // Issue #14 judges the added write latency; the CPU a write and its delivery cost together is
      // shown beside it as information (what an endpoint costs the machine, not the writer's wait).
      const cpu = cpuAdded === undefined ? '' : ` (CPU/write ${cpuAdded >= 0 ? '+' : ''}${fixed(cpuAdded, 1)} %, information)`
      targets.push(`| one webhook endpoint adds ≤ 10 % to a write's latency (${where}) | p50 ${added >= 0 ? '+' : ''}${fixed(added, 1)} %${cpu} | ${added <= 10 ? 'met' : '**missed**'} |`)
    }
  }
  if (targets.length > 0) {
    lines.push('## Targets', '', '| target | measured | |', '|---|---:|---|', ...targets, '')
  }

  lines.push('## Absolute figures', '')
  for (const query of queries) {
    const entry = results.queries[query]!
    lines.push(`### ${query}: ${QUERY_TITLES[query]}`, '', `Same answer from every server: ${entry.answer}.`, '')
    lines.push(
      '| server | req/s | × ceiling | × PG | p50 ms | p97.5 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req | peak RSS MiB | body bytes | errors / non-2xx / timeouts / wrong answers |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    )
    for (const server of servers) {
      const r = entry.results[server]
      if (!r) continue
      lines.push(
        `| ${SERVER_LABELS[server]} | ${int(r.requestsPerSecond)} | ${times(ratioOf(results, query, server, 'ceiling', 'rate'))} | ` +
          `${times(ratioOf(results, query, server, 'postgraphile', 'rate'))} | ${fixed(r.p50, 1)} | ${fixed(r.p97_5, 1)} | ` +
          `${fixed(r.p99, 1)} | ${fixed(r.serverCpuMsPerRequest, 2)} | ${fixed(r.databaseCpuMsPerRequest, 2)} | ` +
          `${fixed(r.peakRssMiB)} | ` +
          `${int(entry.bodyBytes[server] ?? 0)} | ${r.errors} / ${r.non2xx} / ${r.timeouts} / ${r.mismatches} |`,
      )
    }
    lines.push('')
  }

  lines.push('## SQL per request and memory', '')
  lines.push('| server | transactions per Q2 request | RSS idle after start, MiB | peak RSS under load, MiB | start-up s |', '|---|---:|---:|---:|---:|')
  for (const server of servers) {
    const s = results.servers[server]!
    lines.push(
      `| ${SERVER_LABELS[server]} | ${fixed(results.transactionsPerQ2[server] ?? Number.NaN, 2)} | ${fixed(s.idleRssMiB)} | ` +
        `${fixed(s.peakRssMiB)} | ${fixed(s.startSeconds, 1)} |`,
    )
  }
  lines.push(
    '',
    'Transactions per Q2 request: `pg_stat_database.xact_commit` of the bench database before and after a run of sequential Q2 ' +
      'requests to one server while the others are idle (11 s allowed each time for backends to flush their statistics), less what the idle ' +
      'servers commit meanwhile (measured first with no request: each Gatehouse\'s LISTEN heartbeat commits 4 a second). ' +
      'Neither server wraps a read in an explicit transaction, so each statement it sends commits one transaction: the figure ' +
      'is SQL statements per request (Gatehouse\'s credential cache means no per-request authentication query).',
    '',
  )
  lines.push('## Method', '')
  lines.push(
    '- One database, seeded once; all three servers run side by side as child processes on loopback ports, started with `node` ' +
      'directly (Gatehouse: the compiled build, run with the node flags of `npm start` (package.json) as it serves it, NODE_ENV=production, rate limit off, log level warn; PostGraphile: ' +
      '`bench/postgraphile-server.mjs` with the amber preset and `@dataplan/pg/adaptors/pg`, GRAPHILE_ENV=production), each with ' +
      'a pool of 10 connections.',
    '- Before measuring, each query is sent once to every server and the answers are compared in a canonical form (job numbers, ' +
      'names, statuses, dates, client names, order numbers, totals, every line\'s quantity, price and amount); the run stops on a ' +
      'difference. Under load every response body must equal that checked answer byte for byte ("wrong answers" above).',
    '- Gatehouse requests carry an API key of an admin API member of the business, issued through `signIn`, `createApiMember` and ' +
      '`generateApiKeys`; PostGraphile has no authentication and selects the business with `condition: { businessId }`.',
    '- Server CPU is user + system time of the server process from /proc during the measured windows; PostgreSQL CPU the same ' +
      'for the backends connected to the bench database (one server is loaded at a time, so they are its pool); RSS is ' +
      'sampled every 200 ms. The load generator shares the two cores; other work on the machine shows as noise in req/s ' +
      'first, which is why CPU per request is reported too.',
    '- PostGraphile 5.1 calls `Promise.withResolvers` (Node 22+); on this Node 20 its child gets the standard polyfill first, ' +
      'otherwise every list field fails.',
    '',
  )
  if (results.profile) {
    lines.push('## CPU profile of the Gatehouse children (self time, top frames)', '')
    for (const [server, top] of Object.entries(results.profile)) lines.push(`**${server}**`, '', '```', ...top, '```', '')
  }
  if (results.soak) lines.push(...renderSoak(results.soak))
  return lines.join('\n')
}

type Metric = 'rate' | 'cpu'
const cpuOf = (r: Aggregate) => r.serverCpuMsPerRequest + r.databaseCpuMsPerRequest

/** `server ÷ reference` on one query: requests per second (higher is better) or CPU per request (lower is better). */
function ratioOf(results: BenchResults, query: QueryName, server: ServerName, reference: ServerName, metric: Metric): number | null {
  const mine = results.queries[query]?.results[server]
  const theirs = results.queries[query]?.results[reference]
  if (!mine || !theirs) return null
  return metric === 'rate' ? mine.requestsPerSecond / theirs.requestsPerSecond : cpuOf(mine) / cpuOf(theirs)
}

/** The same ratio window by window (each window beside the reference's window of the same round): "min–max". */
function spreadOf(results: BenchResults, query: QueryName, server: ServerName, reference: ServerName, metric: Metric): string {
  const mine = results.queries[query]?.results[server]
  const theirs = results.queries[query]?.results[reference]
  if (!mine || !theirs) return '–'
  const [a, b] = metric === 'rate' ? [mine.perRound, theirs.perRound] : [mine.cpuPerRound, theirs.cpuPerRound]
  const ratios = a.map((value, i) => value / (b[i] ?? Number.NaN)).filter(Number.isFinite)
  return ratios.length ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : '–'
}

const cell = (results: BenchResults, query: QueryName, server: ServerName, reference: ServerName, metric: Metric) =>
  `${times(ratioOf(results, query, server, reference, metric))} (${spreadOf(results, query, server, reference, metric)})`

/** Every other server against one reference: req/s and CPU per request, each with its window range. */
function ratioSection(results: BenchResults, servers: ServerName[], queries: QueryName[], reference: ServerName): string[] {
  const others = servers.filter((name) => name !== reference)
  const header = [`| server | ${queries.join(' | ')} |`, `|---|${queries.map(() => '---:').join('|')}|`]
  const rows = (metric: Metric) => others.map((server) => `| ${SERVER_LABELS[server]} | ${queries.map((q) => cell(results, q, server, reference, metric)).join(' | ')} |`)
  return [
    `## Against ${SERVER_LABELS[reference]}`,
    '',
    `Requests per second, ÷ ${reference} (higher is better); overall, and in brackets the range window by window:`,
    '',
    ...header,
    ...rows('rate'),
    '',
    `CPU per request (server process + PostgreSQL backends), ÷ ${reference} (lower is better; less sensitive than req/s to other work on the machine):`,
    '',
    ...header,
    ...rows('cpu'),
    '',
  ]
}

/** One server against another: both ratios per query. */
function pairTable(results: BenchResults, queries: QueryName[], server: ServerName, reference: ServerName): string[] {
  return [
    `| | ${queries.join(' | ')} |`,
    `|---|${queries.map(() => '---:').join('|')}|`,
    `| req/s | ${queries.map((q) => cell(results, q, server, reference, 'rate')).join(' | ')} |`,
    `| CPU/req | ${queries.map((q) => cell(results, q, server, reference, 'cpu')).join(' | ')} |`,
  ]
}

/**
 * The speed targets (issue "Speed"), each as measured in this run: met or missed. Gatehouse is the
 * metered server with an admin key (as users run it); the MY key is the same server configuration.
 */
const TARGETS: Array<{ query: QueryName; server: ServerName; reference: ServerName; atLeast: number }> = [
  { query: 'Q1', server: 'gatehouse-metered', reference: 'postgraphile', atLeast: 1.5 },
  { query: 'Q1', server: 'gatehouse-metered', reference: 'ceiling', atLeast: 0.25 },
  { query: 'Q2', server: 'gatehouse-metered', reference: 'postgraphile', atLeast: 2.5 },
  { query: 'Q2', server: 'gatehouse-metered', reference: 'ceiling', atLeast: 0.6 },
  { query: 'Q3-first', server: 'gatehouse-metered', reference: 'postgraphile', atLeast: 1.5 },
  { query: 'Q3-keyset', server: 'gatehouse-metered', reference: 'postgraphile', atLeast: 1.5 },
  ...(['Q1', 'Q2', 'Q3-first', 'Q3-keyset'] as const).map((query) => ({ query, server: 'gatehouse-my' as const, reference: 'gatehouse-metered' as const, atLeast: 0.9 })),
]

function targetRows(results: BenchResults, queries: QueryName[]): string[] {
  return TARGETS.filter((target) => queries.includes(target.query)).flatMap((target) => {
    const rate = ratioOf(results, target.query, target.server, target.reference, 'rate')
    const cpu = ratioOf(results, target.query, target.server, target.reference, 'cpu')
    if (rate === null || cpu === null) return []
    // CPU per request counts as the inverse: 2× less CPU per request is a 2× speed-up.
    const met = rate >= target.atLeast && 1 / cpu >= target.atLeast
    return [`| ${target.query}: ${target.server} ≥ ${target.atLeast}× ${target.reference} | req/s ${times(rate)}, CPU/req ${times(1 / cpu)} | ${met ? 'met' : '**missed**'} |`]
  })
}

function totalCountSection(result: TotalCountResult): string[] {
  const row = (label: string, a: Aggregate) =>
    `| ${label} | ${int(a.requestsPerSecond)} | ${fixed(a.p50, 1)} | ${fixed(a.serverCpuMsPerRequest, 2)} | ${fixed(a.databaseCpuMsPerRequest, 2)} | ` +
    `${a.errors + a.non2xx + a.timeouts + a.mismatches} |`
  return [
    '## What totalCount costs on a big business',
    '',
    `Business ${result.business}: its first 50 jobs with their clients, with and without \`totalCount\`, on the metered ` +
      'Gatehouse with an admin key, in alternating windows. The count rides in the same statement, served by the partial ' +
      'index over live rows.',
    '',
    '| page | req/s | p50 ms | server CPU ms/req | PostgreSQL CPU ms/req | failed |',
    '|---|---:|---:|---:|---:|---:|',
    row('with totalCount', result.withCount),
    row('without', result.without),
    '',
    `totalCount adds **${fixed(result.addedCpuMs, 2)} ms** of CPU per request (window by window: ` +
      `${result.addedCpuMsPerRound.map((value) => fixed(value, 2)).join(', ')}) and ${fixed(result.addedP50Ms, 1)} ms to the median latency.`,
    '',
  ]
}
