import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { reserveLoginEmail } from '../src/access/global-lookups.js'
import { hashPassword } from '../src/access/credentials/passwords.js'
import { openDatabase } from '../src/db/database.js'
import { issueBenchKeys, postOk } from './client.js'
import type { DatabaseCpu } from './database-cpu.js'
import { type Aggregate, type Target, type Window, aggregate, runWindow } from './load.js'

/**
 * What `totalCount` costs on a big business: the bench's second business is grown to `jobs` live
 * jobs (copies of its own, jobs only, added once and kept with --reuse-data), and one Gatehouse
 * server answers its first page of 50 jobs with and without `totalCount`, in alternating windows.
 * The difference in CPU per request (server and PostgreSQL) is what the count adds. Aim: ≤ 2 ms.
 */

export interface TotalCountResult {
  business: string
  jobs: number
  withCount: Aggregate
  without: Aggregate
  /** CPU per request (server + PostgreSQL), with minus without, in ms; and the same window by window. */
  addedCpuMs: number
  addedCpuMsPerRound: number[]
  /** Median latency, with minus without, in ms (10 connections: queueing included). */
  addedP50Ms: number
}

const PAGE = (count: boolean) =>
  `query Count { jobs(first: 50) { ${count ? 'totalCount ' : ''}nodes { id number name status inHandsDate client { id firstName lastName company } } pageInfo { hasNextPage endCursor } } }`

/** Grows the second business to `jobs` live jobs and adds an admin the bench can sign in as. */
async function prepareCountBusiness(url: string, jobs: number): Promise<{ email: string; password: string; slug: string }> {
  const handle = await openDatabase({ kind: 'postgres', url, poolSize: 1 })
  try {
    const db = handle.db
    // The bench reads the first business; this one is grown apart so the other figures keep their data.
    const second = await db.selectFrom('businesses').select(['id', 'slug']).orderBy('id').offset(1).limit(1).executeTakeFirst()
    if (!second) throw new Error('the totalCount measurement needs a second business (--businesses 2 or more)')
    const { id: businessId, slug } = second
    const live = Number((await sql<{ n: string }>`select count(*)::text as n from jobs where business_id = ${businessId} and deleted_at is null`.execute(db)).rows[0]!.n)
    if (live < jobs) {
      // Copies of the business's own jobs (same clients and owners), numbered after the last.
      await sql`insert into jobs (business_id, number, name, status, client_id, owner_id, in_hands_date)
        select j.business_id, m.top + row_number() over (order by g, j.id), j.name, j.status, j.client_id, j.owner_id, j.in_hands_date
        from jobs j cross join generate_series(1, ${Math.ceil((jobs - live) / live)}) g
          cross join (select max(number) as top from jobs where business_id = ${businessId}) m
        where j.business_id = ${businessId} and j.deleted_at is null
        order by g, j.id limit ${jobs - live}`.execute(db)
      await sql`vacuum analyze jobs`.execute(db)
    }
    const admin = { email: `bench-count-admin-${randomBytes(4).toString('hex')}@${slug}.bench.local`, password: randomBytes(18).toString('base64url') }
    const role = await db.selectFrom('security_roles').select('id').where('business_id', '=', businessId).where('is_builtin', '=', true).executeTakeFirstOrThrow()
    const passwordHash = await hashPassword(admin.password)
    await db.transaction().execute(async (trx) => {
      const id = await reserveLoginEmail(trx, { email: admin.email, businessId })
      if (id === undefined) throw new Error(`${admin.email} is taken`)
      await trx.insertInto('principals')
        .values({ business_id: businessId, id, kind: 'USER', name: 'Bench Count Admin', email: admin.email, password_hash: passwordHash, role_id: role.id })
        .execute()
    })
    return { ...admin, slug }
  } finally {
    await handle.close()
  }
}

/** Measures the page with and without totalCount on one Gatehouse server, interleaved. */
export async function measureTotalCount(options: {
  databaseUrl: string
  jobs: number
  server: { url: string; pid: number }
  database: DatabaseCpu
  windowSeconds: number
  rounds: number
  warmup: number
  connections: number
  log: (line: string) => void
}): Promise<TotalCountResult> {
  const admin = await prepareCountBusiness(options.databaseUrl, options.jobs)
  const keys = await issueBenchKeys(options.server.url, { email: admin.email, password: admin.password })
  const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${keys.admin}` }
  const targetFor = async (count: boolean): Promise<Target> => {
    const request = { query: PAGE(count) }
    const answer = await postOk(options.server.url, request, headers)
    if (count && answer.data.jobs.totalCount !== options.jobs) throw new Error(`totalCount ${answer.data.jobs.totalCount}, expected ${options.jobs}`)
    return { url: options.server.url, headers, body: JSON.stringify(request), expected: answer.text, status: 200, pid: options.server.pid }
  }
  const targets = { withCount: await targetFor(true), without: await targetFor(false) }
  const windows: Record<'withCount' | 'without', Window[]> = { withCount: [], without: [] }
  for (const side of ['withCount', 'without'] as const) {
    if (options.warmup > 0) await runWindow(targets[side], options.warmup, options.connections, options.database, false)
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const side of round % 2 === 0 ? (['withCount', 'without'] as const) : (['without', 'withCount'] as const)) {
      windows[side].push(await runWindow(targets[side], options.windowSeconds, options.connections, options.database))
    }
    options.log(`totalCount round ${round + 1}/${options.rounds}: ${Math.round(windows.withCount.at(-1)!.requests / options.windowSeconds)} req/s with, ` +
      `${Math.round(windows.without.at(-1)!.requests / options.windowSeconds)} without`)
  }
  const withCount = aggregate(windows.withCount)
  const without = aggregate(windows.without)
  const cpu = (a: Aggregate) => a.serverCpuMsPerRequest + a.databaseCpuMsPerRequest
  return {
    business: `${admin.slug} (${options.jobs.toLocaleString('en-US')} live jobs)`,
    jobs: options.jobs,
    withCount,
    without,
    addedCpuMs: cpu(withCount) - cpu(without),
    addedCpuMsPerRound: withCount.cpuPerRound.map((value, i) => value - (without.cpuPerRound[i] ?? Number.NaN)),
    addedP50Ms: withCount.p50 - without.p50,
  }
}
