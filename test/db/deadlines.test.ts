import { sql } from 'kysely'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { backstopTimeouts, openDatabase } from '../../src/db/database.js'
import { Deadline, DeadlineExceededError, withDeadline } from '../../src/db/deadline.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { createTestDatabase } from '../setup/database.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ADMIN_EMAIL } from '../setup/clients.js'
import { insertSession } from '../setup/factories.js'
import { generateSessionToken } from '../../src/access/credentials/sessions.js'
import { type PrivatePostgres, startPrivatePostgres } from '../setup/private-postgres.js'

/**
 * Deadlines: a request never waits longer than GATEHOUSE_REQUEST_TIMEOUT_MS, its statement is
 * cancelled in PostgreSQL when it gives up (deadline passed or client gone), and one locked table
 * does not starve the others. Short configured limits, wide margins: no test here depends on tight
 * timing.
 */

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const JOBS = '{ jobs(first: 5) { totalCount } }'
const CONTACTS = '{ contacts(first: 5) { totalCount } }'

async function serverOnPrivatePostgres(deadlineMs: number, poolSize = 4): Promise<{ server: TestServer; database: PrivatePostgres }> {
  const database = await startPrivatePostgres()
  cleanups.push(() => database.destroy())
  const handle = await openDatabase({ kind: 'postgres', url: database.url, poolSize, timeouts: backstopTimeouts(deadlineMs) })
  await migrateToLatest(handle.db)
  const server = await startTestServer(
    { GATEHOUSE_REQUEST_TIMEOUT_MS: String(deadlineMs), GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: '0', GATEHOUSE_COST_LIMIT: '0' },
    { database: handle },
  )
  cleanups.push(() => server.close())
  return { server, database }
}

/**
 * The bootstrap admin's headers, from a session written directly: a sign-in (a deliberately slow
 * password hash) could itself pass a short deadline on a loaded machine.
 */
async function adminHeaders(server: TestServer): Promise<Record<string, string>> {
  const db = server.app.services.database.db
  const admin = await db.selectFrom('principals').select(['business_id', 'id']).where('email', '=', ADMIN_EMAIL).executeTakeFirstOrThrow()
  const token = generateSessionToken()
  await insertSession(db, { businessId: admin.business_id, userId: admin.id, token, expiresAt: new Date(Date.now() + 3_600_000) })
  return { authorization: `Bearer ${token}` }
}

/** Holds an exclusive lock on `table` from a connection of its own until released. */
async function holdLock(url: string, table: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('begin')
  await client.query(`lock table ${table} in access exclusive mode`)
  const release = async () => {
    await client.query('rollback').catch(() => {})
    await client.end().catch(() => {})
  }
  cleanups.push(release)
  return release
}

/** Gatehouse's statements that PostgreSQL is running or that wait on a lock right now. */
async function gatehouseWaiting(database: PrivatePostgres): Promise<number> {
  const result = await database.query(
    "select count(*)::int as n from pg_stat_activity where application_name = 'gatehouse' and state = 'active' and wait_event_type = 'Lock'",
  )
  return result.rows[0].n
}

async function timed<T>(work: Promise<T>): Promise<{ ms: number; value: T }> {
  const startedAt = Date.now()
  const value = await work
  return { ms: Date.now() - startedAt, value }
}

describe.skipIf(!process.env.DATABASE_URL)('request deadlines on PostgreSQL', () => {
  it('a locked table answers TIMEOUT (504) within the deadline, its statements are cancelled, and other tables keep answering', async () => {
    const deadlineMs = 1_500
    const { server, database } = await serverOnPrivatePostgres(deadlineMs, 4)
    const admin = { headers: await adminHeaders(server) }
    const release = await holdLock(database.url, 'jobs')

    // Eight callers on a locked table hold every one of the four pooled connections.
    const locked = Array.from({ length: 8 }, () => timed(server.graphql(JOBS, { headers: admin.headers })))
    await sleep(300)
    const others = Array.from({ length: 4 }, () => timed(server.graphql(CONTACTS, { headers: admin.headers })))

    for (const { ms, value } of await Promise.all(locked)) {
      expect(value.status).toBe(504)
      expect(value.body.errors?.map((error) => error.extensions?.code)).toEqual(['TIMEOUT'])
      expect(ms).toBeLessThan(deadlineMs + 1_500)
    }
    // The others waited at most one deadline for a connection (and some got one as soon as the
    // locked statements were cancelled): answered, not starved.
    for (const { ms, value } of await Promise.all(others)) {
      expect([200, 504]).toContain(value.status)
      expect(ms).toBeLessThan(deadlineMs + 1_500)
    }
    // Cancelled in PostgreSQL, not merely abandoned by Node (the cancels may take a moment to land).
    const cancelStarted = Date.now()
    while ((await gatehouseWaiting(database)) > 0) {
      if (Date.now() - cancelStarted > 3_000) throw new Error('statements past their deadline still wait on the lock')
      await sleep(50)
    }
    const afterwards = await timed(server.graphql(CONTACTS, { headers: admin.headers }))
    expect(afterwards.value.status).toBe(200)
    expect(afterwards.ms).toBeLessThan(1_000)

    await release()
    expect((await server.graphql(JOBS, { headers: admin.headers })).status).toBe(200)
  }, 60_000)

  it('a request its client abandons is cancelled in PostgreSQL long before its deadline', async () => {
    const { server, database } = await serverOnPrivatePostgres(60_000, 4)
    const admin = { headers: await adminHeaders(server) }
    const release = await holdLock(database.url, 'jobs')
    const abandoned = new AbortController()
    const request = fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...admin.headers },
      body: JSON.stringify({ query: JOBS }),
      signal: abandoned.signal,
    }).catch((error: Error) => error.name)
    const waitStarted = Date.now()
    while ((await gatehouseWaiting(database)) === 0) {
      if (Date.now() - waitStarted > 5_000) throw new Error('the request never reached the lock')
      await sleep(50)
    }
    abandoned.abort()
    expect(await request).toBe('AbortError')
    const cancelStarted = Date.now()
    while ((await gatehouseWaiting(database)) > 0) {
      if (Date.now() - cancelStarted > 3_000) throw new Error('the abandoned statement still waits on the lock')
      await sleep(50)
    }
    await release()
  }, 60_000)

  it('a transaction whose deadline passed sends no further statement: it ends at once, not after waiting on a lock', async () => {
    const database = await startPrivatePostgres()
    cleanups.push(() => database.destroy())
    const handle = await openDatabase({ kind: 'postgres', url: database.url, poolSize: 2, timeouts: backstopTimeouts(5_000) })
    cleanups.push(() => handle.close())
    await migrateToLatest(handle.db)
    await holdLock(database.url, 'contacts')
    const deadline = new Deadline()
    const { ms, value } = await timed(
      withDeadline(deadline, () =>
        handle.db.transaction().execute(async (trx) => {
          await sql`select 1`.execute(trx)
          deadline.abort()
          // Sent anyway, this would wait on the lock for lock_timeout (6 s) before the rollback could run.
          await sql`select count(*) from contacts`.execute(trx)
        }),
      ).catch((error) => error),
    )
    expect(value).toBeInstanceOf(DeadlineExceededError)
    expect(ms).toBeLessThan(1_000)
    expect(await gatehouseWaiting(database)).toBe(0)
  }, 60_000)

  it("PostgreSQL's own lock timeout backs up the deadline outside any request", async () => {
    const { database } = await serverOnPrivatePostgres(1_000, 2)
    const handle = await openDatabase({ kind: 'postgres', url: database.url, poolSize: 1, timeouts: backstopTimeouts(1_000) })
    cleanups.push(() => handle.close())
    await holdLock(database.url, 'contacts')
    const { ms, value } = await timed(sql`select count(*) from contacts`.execute(handle.db).catch((error) => error.code))
    expect(value).toBe('55P03')
    expect(ms).toBeLessThan(5_000)
  }, 60_000)
})

describe('deadlines made without an AbortSignal', () => {
  it('each passes at its own time, in the order they were made; one that ended early never passes', async () => {
    const passed: string[] = []
    const started = performance.now()
    const at: Record<string, number> = {}
    const make = (name: string) => {
      const deadline = new Deadline(120)
      deadline.onAbort(() => {
        passed.push(name)
        at[name] = performance.now() - started
      })
      return deadline
    }
    make('first')
    const ended = make('ended')
    await sleep(40)
    make('second')
    ended.end()
    const other = new Deadline(30)
    other.onAbort(() => passed.push('shorter'))
    await sleep(250)
    expect(passed).toEqual(['shorter', 'first', 'second'])
    expect(ended.aborted).toBe(false)
    // Neither early nor held back to the first one's time (wide margins: the machine may be busy).
    expect(at.first).toBeGreaterThanOrEqual(119)
    expect(at.second! - at.first!).toBeGreaterThanOrEqual(25)
    ended.abort()
    expect(ended.aborted).toBe(false)
  })
})

describe('a deadline inside a transaction', () => {
  it('no statement is sent once it has passed; the transaction rolls back and writes nothing', async () => {
    const database = await createTestDatabase()
    cleanups.push(() => database.close())
    const deadline = new Deadline()
    const attempt = withDeadline(deadline, () =>
      database.db.transaction().execute(async (trx) => {
        await trx.insertInto('businesses').values({ name: 'Before', slug: 'before-deadline' }).execute()
        deadline.abort()
        await trx.insertInto('businesses').values({ name: 'After', slug: 'after-deadline' }).execute()
      }),
    )
    await expect(attempt).rejects.toBeInstanceOf(DeadlineExceededError)
    const slugs = await database.db.selectFrom('businesses').select('slug').where('slug', 'like', '%-deadline').execute()
    expect(slugs).toEqual([])
  })
})

describe.skipIf(Boolean(process.env.DATABASE_URL))('request deadlines on the embedded database', () => {
  it('a request waiting for the busy embedded database answers TIMEOUT within its deadline', async () => {
    const server = await startTestServer({ GATEHOUSE_REQUEST_TIMEOUT_MS: '800', GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: '0', GATEHOUSE_COST_LIMIT: '0' })
    cleanups.push(() => server.close())
    const db = server.app.services.database.db
    const headers = await adminHeaders(server)
    // PGlite is one session, and a transaction holds it until it ends: this one for 3 s. (A slow
    // statement cannot show the deadline: PGlite runs it on Node's own thread, which it blocks.)
    let holding!: () => void
    const held = new Promise<void>((resolve) => (holding = resolve))
    const busy = db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx)
      holding()
      await sleep(3_000)
    })
    await held
    const { ms, value } = await timed(server.graphql(JOBS, { headers }))
    expect(value.status).toBe(504)
    expect(value.body.errors?.map((error) => error.extensions?.code)).toEqual(['TIMEOUT'])
    expect(ms).toBeLessThan(2_500)
    await busy
    expect((await server.graphql(JOBS, { headers })).status).toBe(200)
  }, 60_000)
})
