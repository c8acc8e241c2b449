import type { Aggregate } from './load.js'
import type { ServerName } from './options.js'
import { QUERY_TITLES, type QueryName } from './queries.js'

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
    results: Record<string, Aggregate & { ratio: number | null; cpuRatio: number | null }>
  }>
  profile?: Record<string, string[]>
  /** Why PostGraphile is not in the run, when it is not. */
  referenceMissing?: string
  wallSeconds: number
}

export const SERVER_LABELS: Record<ServerName, string> = {
  'gatehouse-jit': 'Gatehouse (graphql-jit)',
  'gatehouse-metered': 'Gatehouse (graphql-jit), metered',
  gatehouse: 'Gatehouse (graphql-js, GATEHOUSE_JIT=0)',
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

  if (hasReference) {
    lines.push('## Requests per second, as a ratio to PostGraphile (higher is better)', '')
    lines.push(`| server | ${queries.join(' | ')} |`, `|---|${queries.map(() => '---:').join('|')}|`)
    for (const server of servers) {
      lines.push(`| ${SERVER_LABELS[server]} | ${queries.map((q) => times(results.queries[q]!.results[server]?.ratio ?? null)).join(' | ')} |`)
    }
    lines.push(
      '',
      'CPU per request (server process + PostgreSQL backends), as a ratio to PostGraphile (lower is better; less sensitive ' +
        'than req/s to other work on the machine):',
      '',
      `| server | ${queries.join(' | ')} |`,
      `|---|${queries.map(() => '---:').join('|')}|`,
    )
    for (const server of servers) {
      lines.push(`| ${SERVER_LABELS[server]} | ${queries.map((q) => times(results.queries[q]!.results[server]?.cpuRatio ?? null)).join(' | ')} |`)
    }
    lines.push(
      '',
      'Range of the req/s ratio window by window (each window of a server is next to the same window of PostGraphile):',
      '',
      `| server | ${queries.join(' | ')} |`,
      `|---|${queries.map(() => '---:').join('|')}|`,
    )
    for (const server of servers.filter((name) => name !== 'postgraphile')) {
      const cells = queries.map((q) => {
        const mine = results.queries[q]!.results[server]?.perRound ?? []
        const theirs = results.queries[q]!.results.postgraphile?.perRound ?? []
        const ratios = mine.map((value, i) => value / theirs[i]!).filter(Number.isFinite)
        return ratios.length ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : '–'
      })
      lines.push(`| ${SERVER_LABELS[server]} | ${cells.join(' | ')} |`)
    }
    lines.push('')
  }

  const metered = servers.includes('gatehouse-metered') && servers.includes('gatehouse-jit')
  if (metered) {
    lines.push(
      '## What metering costs',
      '',
      'The same server with cost metering on (a bucket per principal, taken before and refunded after each request, ' +
        'the bucket in `extensions.cost` and the X-RateLimit headers) against metering off (`GATEHOUSE_COST_LIMIT=0`). Both price ' +
        'every query (the 100,000-point ceiling, the cost report), run the static limits and count usage per key. CPU per request (server + PostgreSQL), ' +
        'metered ÷ unmetered, overall and the range over windows (each metered window beside the unmetered one of the same round):',
      '',
      `| | ${queries.join(' | ')} |`,
      `|---|${queries.map(() => '---:').join('|')}|`,
    )
    const pair = (q: QueryName) => [results.queries[q]!.results['gatehouse-metered'], results.queries[q]!.results['gatehouse-jit']] as const
    const overall = queries.map((q) => {
      const [on, off] = pair(q)
      return on && off ? times((on.serverCpuMsPerRequest + on.databaseCpuMsPerRequest) / (off.serverCpuMsPerRequest + off.databaseCpuMsPerRequest)) : '–'
    })
    const spread = queries.map((q) => {
      const [on, off] = pair(q)
      const ratios = (on?.cpuPerRound ?? []).map((value, i) => value / (off?.cpuPerRound[i] ?? Number.NaN)).filter(Number.isFinite)
      return ratios.length ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : '–'
    })
    const rate = queries.map((q) => {
      const [on, off] = pair(q)
      return on && off ? times(on.requestsPerSecond / off.requestsPerSecond) : '–'
    })
    lines.push(`| CPU/req, metered ÷ off | ${overall.join(' | ')} |`, `| window range | ${spread.join(' | ')} |`, `| req/s, metered ÷ off | ${rate.join(' | ')} |`, '')
  }

  lines.push('## Absolute figures', '')
  for (const query of queries) {
    const entry = results.queries[query]!
    lines.push(`### ${query}: ${QUERY_TITLES[query]}`, '', `Same answer from every server: ${entry.answer}.`, '')
    lines.push(
      '| server | req/s | × PG | p50 ms | p97.5 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req | CPU/req ÷ PG | peak RSS MiB | body bytes | errors / non-2xx / timeouts / wrong answers |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    )
    for (const server of servers) {
      const r = entry.results[server]
      if (!r) continue
      lines.push(
        `| ${SERVER_LABELS[server]} | ${int(r.requestsPerSecond)} | ${times(r.ratio)} | ${fixed(r.p50, 1)} | ${fixed(r.p97_5, 1)} | ` +
          `${fixed(r.p99, 1)} | ${fixed(r.serverCpuMsPerRequest, 2)} | ${fixed(r.databaseCpuMsPerRequest, 2)} | ${times(r.cpuRatio)} | ` +
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
      'requests to one server while the others are idle (11 s allowed each time for backends to flush their statistics). ' +
      'Neither server wraps a read in an explicit transaction, so each statement it sends commits one transaction: the figure ' +
      'is SQL statements per request (Gatehouse\'s credential cache means no per-request authentication query).',
    '',
  )
  lines.push('## Method', '')
  lines.push(
    '- One database, seeded once; all three servers run side by side as child processes on loopback ports, started with `node` ' +
      'directly (Gatehouse: the compiled build, `node dist/src/main.js` as `npm start` serves it, NODE_ENV=production, rate limit off, log level warn; PostGraphile: ' +
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
  return lines.join('\n')
}
