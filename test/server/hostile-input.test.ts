import { writeFileSync } from 'node:fs'
import fc from 'fast-check'
import { type GraphQLField, getNamedType, isInputObjectType } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packCursor } from '../../src/records/read/pagination.js'
import { getSchema } from '../../src/schema.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import {
  ADMIN_ONLY, type Fixtures, SAMPLES, SYNC_VARIANT, auditSince, createFixtures, fingerprint, lastAuditId,
} from '../setup/hostile-fixtures.js'
import { type Verdict, causeCapture, fixList, judge, pool, send } from '../setup/hostile-judge.js'
import { type Args, type ProbeSpec, buildProbe, positionsOf, rootFields, specsOf } from '../setup/hostile-probes.js'
import type { Hostile } from '../setup/hostile-values.js'

/**
 * Hostile input, over real HTTP: every argument of every root query and mutation (input objects
 * and lists recursively, walked from the executable schema) gets out-of-range numbers, malformed
 * and crafted ids and cursors, NUL bytes, lone surrogates, 100 KB strings, giant lists, bad dates,
 * enums, decimals and currencies (test/setup/hostile-values.ts) — one value at a time in an
 * otherwise valid baseline (test/setup/hostile-fixtures.ts), as a literal and as a variable.
 * Credentials: the admin's session everywhere; on partner fields also an API key whose member
 * holds the built-in Admin role, for the variable form of every value graphql-js accepts (what
 * graphql-js refuses never runs, whoever sends it). Every answer must keep to docs/contract.md:
 * never HTTP 5xx, a JSON body, only contract codes (a masked INTERNAL_SERVER_ERROR is a finding,
 * shown with its cause from the server log), and a code that fits (test/setup/hostile-judge.ts).
 * No mutation probe may change a business table; the audit rows they leave are reported, and
 * only refused and throttled sign-ins (auth.sign_in_failed, auth.sign_in_locked) may appear among them.
 *
 * A failure prints the fix list, one line per root field(path) · value → problem · modes ·
 * credentials · example answer (expected codes). HOSTILE_SEED replays the random part,
 * HOSTILE_RUNS sets its samples per target (25), HOSTILE_REPORT=<file> also writes the list.
 */

const SEED = Number(process.env.HOSTILE_SEED ?? Math.floor(Math.random() * 2 ** 31))
const CONCURRENCY = 6
const schema = getSchema()
let server: TestServer
let fixtures: Fixtures
let causes: Map<string, string>
const reports: string[] = []

beforeAll(async () => {
  const capture = causeCapture()
  causes = capture.causes
  // Thousands of requests from one credential: the rate limit is not what is under test.
  server = await startTestServer({ GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: '0', GATEHOUSE_COST_LIMIT: '0', GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1' }, { log: capture.log })
  fixtures = await createFixtures(server)
}, 120_000)

afterAll(async () => {
  if (process.env.HOSTILE_REPORT) writeFileSync(process.env.HOSTILE_REPORT, `${reports.join('\n')}\n`)
  await server?.close()
})

interface Job {
  spec: ProbeSpec
  field: GraphQLField<unknown, unknown>
}

const hasUpdatedSince = (field: GraphQLField<unknown, unknown>) => {
  const filter = field.args.find((arg) => arg.name === 'filter')
  const type = filter && getNamedType(filter.type)
  return Boolean(type && isInputObjectType(type) && 'updatedSince' in type.getFields())
}

async function baselineOf(job: Job, n: number): Promise<Args> {
  if (job.spec.root === 'mutation') return fixtures.mutationBaseline(job.field.name, n, job.spec.at.path)
  const baseline = fixtures.queryBaseline(job.field.name)
  return job.spec.variant === 'sync' ? { ...baseline, ...structuredClone(SYNC_VARIANT) } : baseline
}

let probeNumber = 0

/** One probe with one credential. */
async function probe(job: Job, credential: 'session' | 'apiKey', detail: string): Promise<Verdict> {
  const built = buildProbe(schema, job.spec, job.field, await baselineOf(job, ++probeNumber), SAMPLES)
  const headers = credential === 'session' ? fixtures.sessionHeaders(job.field.name) : fixtures.partnerHeaders
  const answer = await send(server.url, built.body, headers)
  const findings = judge(job.spec, built.refusedByType, credential, answer, causes).map((finding) => ({ ...finding, detail: `${finding.detail}${detail}` }))
  if (job.field.name === 'changePassword' && job.spec.at.path[1] === 'newPassword' && findings.some((f) => f.problem === 'accepted')) {
    fixtures.passwordChanged(job.spec.hostile.value as string)
  }
  return { spec: job.spec, credential, refusedByType: built.refusedByType, findings }
}

/** Mutations on one existing record (or one password) run one at a time, so one that lands cannot make its neighbour CONFLICT. */
const serialField = (field: string) => /^(update|delete|convert|regenerate|revoke|changePassword)/.test(field)

/**
 * Sends every job with the admin's session and, on partner fields, the variable form with the
 * partner's API key too, unless graphql-js refuses the value for its type: such a document or
 * its variables are refused before anything runs, the same for every credential (and a value
 * graphql-js accepts reaches the same resolver as a literal or a variable). Jobs of a serial
 * field share one lane; the lanes run `CONCURRENCY` at a time, the longest first.
 */
async function run(jobs: Job[], detail: (job: Job) => string = () => ''): Promise<Verdict[]> {
  const started = Date.now()
  const work = async (job: Job) => {
    const session = await probe(job, 'session', detail(job))
    if (session.refusedByType || ADMIN_ONLY.has(job.field.name) || job.spec.mode === 'literal') return [session]
    return [session, await probe(job, 'apiKey', detail(job))]
  }
  const lanes = new Map<string, Job[]>()
  jobs.forEach((job, index) => {
    const lane = serialField(job.field.name) ? job.field.name : String(index)
    if (!lanes.has(lane)) lanes.set(lane, [])
    lanes.get(lane)!.push(job)
  })
  const ordered = [...lanes.values()].sort((a, b) => b.length - a.length)
  const results = await pool(ordered, CONCURRENCY, async (lane) => {
    const verdicts: Verdict[] = []
    for (const job of lane) verdicts.push(...(await work(job)))
    return verdicts
  })
  const verdicts = results.flat()
  console.log(`hostile-input: ${jobs.length} probes, ${verdicts.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return verdicts
}

/** Every probe of every argument-taking root field of one operation type. */
async function schemaJobs(root: 'query' | 'mutation'): Promise<Job[]> {
  const jobs: Job[] = []
  for (const field of rootFields(schema, root)) {
    if (field.args.length === 0) continue
    const baseline = root === 'query' ? fixtures.queryBaseline(field.name) : await fixtures.mutationBaseline(field.name, 0, [])
    for (const at of positionsOf(root, field, baseline, SAMPLES, fixtures.otherTypeId)) {
      const cursor = at.path.length === 1 && (at.name === 'after' || at.name === 'before')
      const variants = cursor && hasUpdatedSince(field) ? ['', 'sync'] : ['']
      for (const variant of variants) {
        for (const spec of specsOf(at, variant)) jobs.push({ spec, field })
      }
    }
  }
  return jobs
}

function report(title: string, verdicts: Verdict[]): string[] {
  const lines = fixList(verdicts)
  reports.push(`## ${title}: ${lines.length} findings`, ...lines)
  if (lines.length > 0) console.log(`hostile-input ${title}:\n${lines.join('\n')}`)
  return lines
}

describe('hostile input over HTTP', () => {
  it('every argument of every root query answers hostile values within the contract', async () => {
    const verdicts = await run(await schemaJobs('query'))
    expect(report('queries', verdicts), 'the fix list above').toEqual([])
  }, 180_000)

  it('every mutation refuses hostile input values with a fitting code and writes no business row', async () => {
    const before = await fingerprint(server)
    const auditFrom = await lastAuditId(server)
    const verdicts = await run(await schemaJobs('mutation'))
    const after = await fingerprint(server)
    // The product audits refused sign-ins and the lock they lead to; any other action means a write landed.
    const audit = await auditSince(server, auditFrom)
    console.log(`hostile-input: audit rows written during mutation probes: ${JSON.stringify(audit)}`)
    const changed = Object.keys(before).filter((table) => before[table] !== after[table])
    reports.push(`## tables changed by mutation probes: ${changed.map((t) => `${t} (${before[t]} → ${after[t]})`).join(', ') || 'none'}`)
    reports.push(`## audit rows written during mutation probes: ${JSON.stringify(audit)}`)
    expect.soft(report('mutations', verdicts), 'the fix list above').toEqual([])
    expect.soft(after, 'no business table changed').toEqual(before)
    expect.soft(Object.keys(audit).filter((action) => action !== 'auth.sign_in_failed' && action !== 'auth.sign_in_locked'), 'audit actions of writes').toEqual([])
  }, 240_000)

  it(`random hostile strings, crafted cursors and ids answer within the contract (HOSTILE_SEED=${SEED})`, async () => {
    console.log(`hostile-input: HOSTILE_SEED=${SEED} replays the random probes`)
    const runs = Number(process.env.HOSTILE_RUNS ?? 25)
    const fields = rootFields(schema, 'query')
    const char = fc.oneof(
      fc.constantFrom('\u0000', '\ud800', '\udfff', '%', '_', '\\', "'", '"', '\u202e', '\u200b', '😀', '\n', '*', ':', '$', '\u0007'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    )
    const text = fc.string({ unit: char, maxLength: 40 })
    const part = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'))
    const time = fc.oneof(
      fc.tuple(fc.integer({ min: -300_000, max: 300_000 }), part(13), part(32), part(25), part(61), part(61), fc.constantFrom('Z', '+00', '+15:59', '-23:59', ''))
        .map(([y, mo, d, h, mi, s, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`),
      fc.string({ unit: fc.constantFrom('0', '1', '2', '9', '-', '+', ':', 'T', 'Z', ' ', '.', '/', 'J', 'u', 'n', 'e'), maxLength: 24 }),
      fc.integer().map(String),
    )
    const id = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 19n - 1n }).map(String), fc.stringMatching(/^\d{1,19}$/), text)
    const targets: Array<{ field: string; path: string[]; variant?: string; values: fc.Arbitrary<unknown> }> = [
      ...['jobs', 'contacts', 'salesOrders', 'purchaseOrders', 'suppliers'].map((field) => ({ field, path: ['filter', 'search'], values: text })),
      { field: 'auditEvents', path: ['filter', 'action'], values: text },
      { field: 'jobs', path: ['after'], variant: 'sync', values: fc.tuple(time, id).map(([t, i]) => packCursor(['s', t, i])) },
      { field: 'contacts', path: ['before'], variant: 'sync', values: fc.tuple(time, id).map(([t, i]) => packCursor(['s', t, i])) },
      { field: 'auditEvents', path: ['after'], values: fc.tuple(time, id).map(([t, i]) => packCursor(['s', t, i])) },
      { field: 'deletedRecords', path: ['after'], values: fc.tuple(time, fc.oneof(fc.constantFrom('Job', 'Contact'), text), id).map((parts) => packCursor(parts)) },
      { field: 'teams', path: ['after'], values: id.map((i) => packCursor(['i', i])) },
      { field: 'node', path: ['id'], values: fc.tuple(fc.constantFrom('Job', 'Contact', 'SalesOrder', 'Team', 'User', 'X'), id)
        .map(([type, i]) => Buffer.from(`${type}:${i}`).toString('base64url')) },
      { field: 'nodes', path: ['ids', '0'], values: text },
    ]
    const jobs: Job[] = []
    targets.forEach((target, index) => {
      const field = fields.find((candidate) => candidate.name === target.field)!
      const at = positionsOf('query', field, fixtures.queryBaseline(field.name), SAMPLES, () => undefined)
        .find((position) => position.path.join('.') === target.path.join('.'))!
      for (const value of fc.sample(target.values, { seed: SEED + index, numRuns: runs })) {
        const hostile: Hostile = { label: `random ${target.path.at(-1)}`, value, expect: 'any' }
        for (const mode of ['literal', 'variable'] as const) {
          jobs.push({ spec: { root: 'query', field: field.name, at, hostile, mode, variant: target.variant ?? '' }, field })
        }
      }
    })
    const verdicts = await run(jobs, (job) => ` · value ${JSON.stringify(job.spec.hostile.value).slice(0, 80)}`)
    expect(report(`random (HOSTILE_SEED=${SEED})`, verdicts), `the fix list above; replay with HOSTILE_SEED=${SEED}`).toEqual([])
  }, 120_000)
})
