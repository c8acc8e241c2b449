import { describe, expect, it } from 'vitest'
import { aggregate, percentile, type Window } from '../../bench/load.js'
import { UsageError, parseOptions } from '../../bench/options.js'
import { canonicalAnswer } from '../../bench/queries.js'
import { renderMarkdown } from '../../bench/report.js'
import type { WebhookWritesResult } from '../../bench/webhook-writes.js'

/**
 * The pure parts of `npm run bench`: option parsing, percentiles over several windows, the
 * canonical answer that decides whether Gatehouse and PostGraphile answered the same question, and
 * how the report judges a target.
 */

describe('bench options', () => {
  it('defaults to every server but graphql-js Gatehouse and to every query, and --quick shrinks the run', () => {
    const defaults = parseOptions([])!
    expect(defaults.servers).toEqual(['ceiling', 'postgraphile', 'gatehouse-metered', 'gatehouse-my', 'gatehouse-jit'])
    expect(parseOptions(['--servers', 'gatehouse,ceiling'])!.servers).toEqual(['gatehouse', 'ceiling'])
    expect(defaults.queries).toEqual(['Q1', 'Q2', 'Q3-first', 'Q3-keyset', 'Q4', 'Q5'])
    expect(defaults.connections).toBe(10)
    const quick = parseOptions(['--quick'])!
    expect(quick.businesses * quick.jobs).toBeLessThan(defaults.businesses * defaults.jobs)
    expect(quick.duration).toBeLessThan(defaults.duration)
    expect(parseOptions(['--full'])!.businesses).toBe(10)
    // The totalCount figure grows a second business to 50,000 jobs; --quick has one business and skips it.
    expect(defaults.countJobs).toBe(50_000)
    expect(quick.countJobs).toBe(0)
    expect(parseOptions(['--count-jobs', '0'])!.countJobs).toBe(0)
  })

  it('--soak: 50 connections for 60 s on a database of its own unless told otherwise; off by default', () => {
    expect(parseOptions([])!.soakSeconds).toBeNull()
    const soak = parseOptions(['--soak'])!
    expect([soak.soakSeconds, soak.connections, soak.database]).toEqual([60, 50, 'gatehouse_soak'])
    expect(parseOptions(['--soak-seconds', '20', '--connections', '8'])).toMatchObject({ soakSeconds: 20, connections: 8 })
    expect(() => parseOptions(['--soak-seconds', '0'])).toThrow(UsageError)
  })

  it('refuses what it cannot use', () => {
    expect(() => parseOptions(['--jobs', 'many'])).toThrow(UsageError)
    expect(() => parseOptions(['--servers', 'gatehouse,hasura'])).toThrow(/unknown server "hasura"/)
    expect(() => parseOptions(['--database', 'bench; drop database postgres'])).toThrow(UsageError)
    expect(() => parseOptions(['--quick', '--full'])).toThrow(UsageError)
    expect(() => parseOptions(['--frobnicate'])).toThrow(UsageError)
    expect(parseOptions(['--help'])).toBeNull()
  })
})

describe('bench figures', () => {
  const window = (latencies: number[], seconds: number, cpu: number): Window => ({
    seconds, requests: latencies.length, latencies, errors: 0, timeouts: 0, non2xx: 0, mismatches: 0,
    bytes: latencies.length * 100, serverCpuSeconds: cpu, databaseCpuSeconds: cpu / 2, peakRssMiB: 100 + seconds,
  })

  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 200 }, (_, i) => i + 1)
    expect(percentile(sorted, 50)).toBe(100)
    expect(percentile(sorted, 97.5)).toBe(195)
    expect(percentile(sorted, 99)).toBe(198)
    expect(percentile([7], 99)).toBe(7)
    expect(percentile([], 50)).toBeNaN()
  })

  it('adds windows up over all their responses, not by averaging averages', () => {
    const result = aggregate([window([1, 1, 1, 1], 1, 0.004), window([9, 9], 2, 0.002)])
    expect(result.requests).toBe(6)
    expect(result.requestsPerSecond).toBe(2)
    expect(result.p50).toBe(1)
    expect(result.p99).toBe(9)
    expect(result.serverCpuMsPerRequest).toBeCloseTo(1)
    expect(result.databaseCpuMsPerRequest).toBeCloseTo(0.5)
    expect(result.peakRssMiB).toBe(102)
    expect(result.perRound).toEqual([4, 1])
  })
})

describe('bench answers', () => {
  const gatehouseJob = {
    id: 'Sm9iOjE', number: 7, name: 'Spring fair', status: 'WIP', inHandsDate: '2026-05-01',
    client: { id: 'Q29udGFjdDox', firstName: 'Ada', lastName: 'Byron', company: 'Acme' },
    salesOrders: { nodes: [{ id: 'x', number: 3, status: 'OPEN', orderDate: '2026-04-01', currency: 'USD', total: '10.50',
      lines: [{ position: 1, sku: 'A', quantity: '2', unitPrice: '5.25', amount: '10.50' }] }] },
  }
  const postgraphileJob = {
    ...gatehouseJob,
    id: 'WyJKb2IiLCIxIiwiMSJd',
    client: { ...gatehouseJob.client, id: 'WyJDb250YWN0IiwiMSIsIjEiXQ==' },
    salesOrders: { nodes: [{ ...gatehouseJob.salesOrders.nodes[0]!, id: 'y', total: '10.50',
      lines: { nodes: [{ position: 1, sku: 'A', quantity: '2.0000', unitPrice: '5.2500', amount: '10.50' }] } }] },
  }
  const page = (job: unknown) => ({ jobs: { nodes: [job], pageInfo: { hasNextPage: true, endCursor: 'anything' } } })

  it('treats ids, cursors, decimal padding and list shapes as the same answer', () => {
    expect(canonicalAnswer('Q2', page(gatehouseJob))).toEqual(canonicalAnswer('Q2', page(postgraphileJob)))
  })

  it('tells a different total, line amount or client apart', () => {
    const base = canonicalAnswer('Q2', page(gatehouseJob))
    const otherLine = structuredClone(postgraphileJob)
    otherLine.salesOrders.nodes[0]!.lines.nodes[0]!.amount = '10.51'
    expect(canonicalAnswer('Q2', page(otherLine))).not.toEqual(base)
    const otherClient = { ...postgraphileJob, client: { ...postgraphileJob.client, lastName: 'Lovelace' } }
    expect(canonicalAnswer('Q2', page(otherClient))).not.toEqual(base)
    const missingOrders = { ...postgraphileJob, salesOrders: { nodes: [] } }
    expect(canonicalAnswer('Q2', page(missingOrders))).not.toEqual(base)
    expect(canonicalAnswer('Q1', { job: gatehouseJob })).not.toEqual(canonicalAnswer('Q1', { job: { ...gatehouseJob, number: 8 } }))
  })
})

describe('bench report', () => {
  const hooks = (addedP50Percent: number, cpuAdded: number): WebhookWritesResult => ({
    windows: 4, writesPerWindow: 150, records: 20,
    writeMs: { none: { n: 600, p50: 6, p99: 15 }, one: { n: 600, p50: 6 * (1 + addedP50Percent / 100), p99: 20 } },
    addedP50Percent,
    commitToDeliveryMs: { n: 600, p50: 40, p99: 90, missing: 0 },
    cpuPerWriteMs: { none: 6, one: 6 * (1 + cpuAdded / 100), addedPercent: cpuAdded, databaseNone: 1.3, databaseOne: 1.6 },
  })
  const results = (inProcess: WebhookWritesResult, separate: WebhookWritesResult) => ({
    generatedAt: '2026-12-07T00:00:00Z', commit: 'abc', machine: { cpus: 2, cpuModel: 'x', memoryGiB: 4, os: 'linux', node: '20', postgres: '15' },
    versions: {}, command: 'npm run bench', dataset: { database: 'b', rows: 1, counts: {}, sizes: '', seedSeconds: 0, reused: true, business: 'b' },
    load: { connections: 1, warmupSeconds: 1, measuredSeconds: 1, rounds: 1, schedule: '' }, servers: {}, transactionsPerQ2: {}, queries: {},
    webhookWrites: inProcess, webhookWritesSeparate: separate, wallSeconds: 1,
  })

  it('judges the webhook target on the added write latency (issue #14), with CPU per write as information', () => {
    const rows = renderMarkdown(results(hooks(2.2, 13.3), hooks(12, 5))).split('\n').filter((line) => line.startsWith('| one webhook endpoint'))
    expect(rows).toEqual([
      "| one webhook endpoint adds ≤ 10 % to a write's latency (delivered in process) | p50 +2.2 % (CPU/write +13.3 %, information) | met |",
      "| one webhook endpoint adds ≤ 10 % to a write's latency (delivered by another process) | p50 +12.0 % (CPU/write +5.0 %, information) | **missed** |",
    ])
  })
})
