import { parseArgs } from 'node:util'
import { QUERY_NAMES, type QueryName } from './queries.js'

/** Everything one `npm run bench` run is told on its command line. */
export interface BenchOptions {
  businesses: number
  jobs: number
  contacts: number
  ordersPerJob: number
  linesPerOrder: number
  seed: number
  /** Measured seconds per query per server, split over `rounds` interleaved windows. */
  duration: number
  rounds: number
  /** Seconds of load per query per server before measuring (JIT compile, caches, pools). */
  warmup: number
  connections: number
  /** Sequential Q2 requests per server while counting database transactions. */
  countRequests: number
  /** Live jobs the second business is grown to for the totalCount measurement (0: not measured). */
  countJobs: number
  /** Writes per window of the webhook write measurement (bench/webhook-writes.ts); 0 skips it. */
  webhookWrites: number
  servers: ServerName[]
  queries: QueryName[]
  postgresUrl: string
  database: string
  /** Keep the database of the previous run when it was seeded with the same sizes. */
  reuseData: boolean
  /** Write CPU profiles of the Gatehouse children into bench/.work/profiles. */
  cpuProf: boolean
  quick: boolean
  full: boolean
  /** `--soak`: the soak's measured seconds (bench/soak.ts) instead of the comparison; null otherwise. */
  soakSeconds: number | null
  /** `--export`: a bulk export against the same data paged (bench/export.bench.ts) instead of the comparison. */
  exportOnly: boolean
}

export const SERVER_NAMES = ['ceiling', 'postgraphile', 'gatehouse-metered', 'gatehouse-my', 'gatehouse-jit', 'gatehouse'] as const
export type ServerName = (typeof SERVER_NAMES)[number]
/** A run without --servers: every server but graphql-js Gatehouse (graphql-jit is the default; ask for it by name). */
export const DEFAULT_SERVERS: ServerName[] = ['ceiling', 'postgraphile', 'gatehouse-metered', 'gatehouse-my', 'gatehouse-jit']

export const USAGE = `Usage: npm run bench -- [options]

Gatehouse (with and without graphql-jit) against PostGraphile v5 on the same freshly seeded
PostgreSQL database; writes bench/results.md and bench/results.json.

Presets:
  --quick                 ~2 minutes: 1 business x 1,000 jobs, 4 s per query per server
  --full                  PERFORMANCE.md's data: 10 businesses x 3,000 jobs (~1.85 M rows)
Data (per business unless said):
  --businesses N          (default 4)        --jobs N            (default 5000)
  --contacts N            (default 1500)     --orders-per-job N  (default 5, sales and purchase each)
  --lines-per-order N     (default 5)        --seed N            (default 42)
  --reuse-data            keep last run's database when its sizes match (skips seeding)
Load:
  --duration S            measured seconds per query per server   (default 15)
  --rounds N              interleaved windows the duration is split into (default 5)
  --warmup S              warm-up seconds per query per server     (default 3)
  --connections N         autocannon connections                   (default 10)
  --count-requests N      sequential Q2 requests when counting SQL transactions (default 100)
  --count-jobs N          live jobs the second business is grown to for the totalCount figure
                          (default 50000, 0 skips it; needs --businesses 2 or more)
  --webhook-writes N      writes per window, with one webhook endpoint active and none, on the
                          JIT Gatehouse (default 150, --quick 50; 0 skips it)
  --servers a,b           subset of ${SERVER_NAMES.join(',')}
  --queries a,b           subset of ${QUERY_NAMES.join(',')}
  --cpu-prof              write CPU profiles of the Gatehouse children (bench/.work/profiles)
                          (a profiled or --quick run, or one with --servers/--queries, writes to
                          bench/.work/ and leaves bench/results.* alone)
Soak (instead of the comparison; its figures are added to bench/results.*):
  --soak                  one compiled Gatehouse, 50 connections (or --connections) for 60 s, reads
                          and the write in turn: errors, req/s, RSS over time, memory flat or not
  --soak-seconds S        measured seconds of the soak (default 60; shorter for a trial); it
                          starts after a warm-up rotation (5 s, or --warmup if longer, per query)
Export (instead of the comparison; writes bench/.work/export-results.json):
  --export                a bulk export of the business (jobs, their orders with lines, contacts)
                          against the same data paged at 100 per page: lines/s, RSS above idle
Database:
  --postgres-url URL      server to use (default postgres://postgres@127.0.0.1:5432)
  --database NAME         database to drop and recreate (default gatehouse_bench; gatehouse_soak for --soak,
                          gatehouse_export_bench for --export)
  -h, --help`

export class UsageError extends Error {}

/** Parses the command line; throws UsageError on anything it cannot use. Returns null for --help. */
export function parseOptions(argv: string[]): BenchOptions | null {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        full: { type: 'boolean' },
        businesses: { type: 'string' },
        jobs: { type: 'string' },
        contacts: { type: 'string' },
        'orders-per-job': { type: 'string' },
        'lines-per-order': { type: 'string' },
        seed: { type: 'string' },
        'reuse-data': { type: 'boolean' },
        duration: { type: 'string' },
        rounds: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        'webhook-writes': { type: 'string' },
        'count-requests': { type: 'string' },
        'count-jobs': { type: 'string' },
        servers: { type: 'string' },
        queries: { type: 'string' },
        'cpu-prof': { type: 'boolean' },
        'postgres-url': { type: 'string' },
        database: { type: 'string' },
        soak: { type: 'boolean' },
        export: { type: 'boolean' },
        'soak-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (values.help) return null
  if (values.quick && values.full) throw new UsageError('--quick and --full exclude each other')
  const preset = values.quick
    ? { businesses: 1, jobs: 1_000, contacts: 300, duration: 4, rounds: 2, warmup: 1, countRequests: 20 }
    : values.full
      ? { businesses: 10, jobs: 3_000, contacts: 1_000, duration: 15, rounds: 5, warmup: 3, countRequests: 100 }
      : { businesses: 4, jobs: 5_000, contacts: 1_500, duration: 15, rounds: 5, warmup: 3, countRequests: 100 }
  const integer = (flag: keyof typeof values, fallback: number, min: number, max: number): number => {
    const text = values[flag]
    if (text === undefined) return fallback
    if (typeof text !== 'string' || !/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${String(text)}"`)
    }
    return Number(text)
  }
  const servers = values.servers === undefined ? [...DEFAULT_SERVERS] : values.servers.split(',').map((name) => name.trim())
  for (const name of servers) {
    if (!(SERVER_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown server "${name}"`)
  }
  const queries = values.queries === undefined ? [...QUERY_NAMES] : values.queries.split(',').map((name) => name.trim())
  for (const name of queries) {
    if (!(QUERY_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown query "${name}"`)
  }
  const soak = values.soak === true || values['soak-seconds'] !== undefined
  const database = values.database ?? (soak ? 'gatehouse_soak' : values.export ? 'gatehouse_export_bench' : 'gatehouse_bench')
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new UsageError('--database must be a plain lowercase identifier')
  const postgresUrl = (values['postgres-url'] ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '')
  if (!/^postgres(ql)?:\/\/[^/]+$/.test(postgresUrl)) throw new UsageError('--postgres-url must be postgres://user@host:port')
  return {
    businesses: integer('businesses', preset.businesses, 1, 1_000),
    jobs: integer('jobs', preset.jobs, 200, 1_000_000),
    contacts: integer('contacts', preset.contacts, 1, 1_000_000),
    ordersPerJob: integer('orders-per-job', 5, 1, 50),
    linesPerOrder: integer('lines-per-order', 5, 1, 50),
    seed: integer('seed', 42, 0, Number.MAX_SAFE_INTEGER),
    duration: integer('duration', preset.duration, 1, 3_600),
    rounds: integer('rounds', preset.rounds, 1, 20),
    warmup: integer('warmup', preset.warmup, 0, 600),
    connections: integer('connections', soak ? 50 : 10, 1, 1_000),
    countRequests: integer('count-requests', preset.countRequests, 1, 10_000),
    countJobs: integer('count-jobs', values.quick ? 0 : 50_000, 0, 10_000_000),
    webhookWrites: integer('webhook-writes', values.quick ? 50 : 150, 0, 100_000),
    servers: [...new Set(servers)] as ServerName[],
    queries: QUERY_NAMES.filter((name) => queries.includes(name)),
    postgresUrl,
    database,
    reuseData: values['reuse-data'] ?? false,
    cpuProf: values['cpu-prof'] ?? false,
    quick: values.quick ?? false,
    full: values.full ?? false,
    soakSeconds: soak ? integer('soak-seconds', 60, 5, 86_400) : null,
    exportOnly: values.export ?? false,
  }
}
