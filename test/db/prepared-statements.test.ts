import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../src/access/credentials/passwords.js'
import { createBusinessWithAdmin } from '../../src/admin/bootstrap.js'
import { createStatementNamer } from '../../src/db/prepared-statements.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { createTestDatabase } from '../setup/database.js'
import { loadIntoBusiness } from '../setup/factories.js'
import { type SignedIn, signIn, signInAsAdmin } from '../setup/clients.js'

describe('which statements are prepared', () => {
  const READ = 'select "t1"."id" from "jobs" as "t1" where "t1"."business_id" = $1'

  it('a read is named the second time it is seen, under one name for one text, on every connection', () => {
    const namer = createStatementNamer({ perConnection: 10 })
    const first = new Set<string>()
    const second = new Set<string>()
    expect(namer.nameFor(READ, first)).toBeNull()
    const name = namer.nameFor(READ, first)
    expect(name).toMatch(/^gh_[A-Za-z0-9_-]{32}$/)
    expect(namer.nameFor(READ, first)).toBe(name)
    expect(namer.nameFor(READ, second)).toBe(name)
    expect([...first]).toEqual([name])
    const other = `${READ} and "t1"."id" = $2`
    namer.nameFor(other, first)
    expect(namer.nameFor(other, first)).not.toBe(name)
  })

  it('writes and statements with nowhere to go stay unnamed; a full connection names nothing new', () => {
    const namer = createStatementNamer({ perConnection: 1 })
    const prepared = new Set<string>()
    for (const write of ['insert into jobs (name) values ($1)', 'update jobs set name = $1', 'begin', 'commit']) {
      namer.nameFor(write, prepared)
      expect(namer.nameFor(write, prepared), write).toBeNull()
    }
    namer.nameFor(READ, prepared)
    expect(namer.nameFor(READ, prepared)).not.toBeNull()
    const another = `${READ} limit $2`
    namer.nameFor(another, prepared)
    expect(namer.nameFor(another, prepared)).toBeNull()
    expect(namer.nameFor(READ, prepared)).not.toBeNull()
    const off = createStatementNamer({ perConnection: 0 })
    off.nameFor(READ, new Set())
    expect(off.nameFor(READ, new Set())).toBeNull()
  })
})

// On one pooled connection, so that connection's pg_prepared_statements shows what the server kept.
describe.runIf(Boolean(process.env.DATABASE_URL))('prepared reads on PostgreSQL', () => {
  let server: TestServer
  let first: SignedIn
  let second: SignedIn
  const JOBS = 'query($id: ID!) { job(id: $id) { id number name client { name } } jobs(first: 3) { nodes { id number } } }'

  beforeAll(async () => {
    const database = await createTestDatabase({ poolSize: 1 })
    server = await startTestServer({}, { database })
    first = await signInAsAdmin(server)
    const other = await database.db.transaction().execute(async (trx) =>
      createBusinessWithAdmin(trx, { businessName: 'Second', email: 'admin@second.test', passwordHash: await hashPassword('second business pw'), via: 'cli' }))
    second = await signIn(server, other.email, 'second business pw')
    for (const business of [first, second]) {
      await loadIntoBusiness(database.db, business, {
        seed: Number(business.businessId),
        sizes: { salesReps: 1, contacts: 4, suppliers: 1, jobs: 6, salesOrdersPerJob: 1, purchaseOrdersPerJob: 1, linesPerOrder: 1 },
      })
    }
  })
  afterAll(() => server?.close())

  // Reads of jobs: the server's own background statements (the webhook loop's scan of every
  // business) are prepared too and have no request values to bind.
  const preparedReads = async () =>
    (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements where name like 'gh\\_%' and statement like '%"jobs"%' and statement not like '%pg_prepared_statements%'`.execute(server.app.services.database.db)).rows

  const jobIds = async (caller: SignedIn) => {
    const { body } = await server.graphql('{ jobs(first: 6) { nodes { id number } } }', { headers: caller.headers })
    return body.data.jobs.nodes as Array<{ id: string; number: number }>
  }

  it('one statement serves every business, principal and id of a shape, each getting its own rows', async () => {
    const [firstJobs, secondJobs] = [await jobIds(first), await jobIds(second)]
    const before = await preparedReads()
    const answers = []
    for (const [caller, jobs] of [[first, firstJobs], [second, secondJobs], [first, firstJobs], [second, secondJobs]] as const) {
      for (const job of jobs.slice(0, 3)) {
        const { body } = await server.graphql(JOBS, { headers: caller.headers, variables: { id: job.id } })
        expect(body.errors).toBeUndefined()
        expect(body.data.job).toMatchObject({ id: job.id, number: job.number })
        expect(body.data.jobs.nodes).toEqual(jobs.slice(0, 3))
        answers.push(body.data.job.id)
      }
    }
    // No id of the other business ever came back, and another business's job is not found.
    const foreign = await server.graphql(JOBS, { headers: first.headers, variables: { id: secondJobs[0]!.id } })
    expect(foreign.body.data?.job ?? null).toBeNull()
    const after = await preparedReads()
    const added = after.filter((statement) => !before.some((known) => known.name === statement.name))
    // The lookup and the page of three (a page size is shape), each as execution runs it (the lean
    // lane learns a document on its first sending) and as the pass-through read runs it: twelve
    // requests from two businesses and two callers, four texts at most, and none more below.
    expect(added.length).toBeGreaterThanOrEqual(1)
    expect(added.length).toBeLessThanOrEqual(4)
    expect(after.length).toBeGreaterThanOrEqual(2)
    for (const statement of after) {
      expect(statement.statement).toMatch(/^\s*(select|with)\b/i)
      // Values are parameters: no business id or job number is written into a prepared text.
      expect(statement.statement).toMatch(/\$1\b/)
    }
    const again = await server.graphql(JOBS, { headers: second.headers, variables: { id: secondJobs[1]!.id } })
    expect(again.body.data.job.id).toBe(secondJobs[1]!.id)
    expect((await preparedReads()).length).toBe(after.length)
  })
})
