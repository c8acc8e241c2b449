import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js'
import { decodeGlobalId } from '../../src/graphql/global-id.js'
import { createTestDatabase } from '../setup/database.js'
import { freePort } from '../setup/private-postgres.js'
import { type ServerProcess, startServerProcess } from '../setup/server-process.js'

/**
 * kill -9 in the middle of a burst of order creates, then a restart on the same database: every
 * acknowledged order is there with all its lines, no order lacks lines, and the numbers of the
 * committed orders run 1..N without a gap (numbers.ts: a create that never committed gives its
 * number back). Retrying the unacknowledged creates with their idempotency keys leaves exactly one
 * order per key. A real server process on the run's database: a fresh PostgreSQL database, or
 * an embedded data folder (whose lock the dead process left behind).
 */

const EMAIL = 'admin@kill-9.test'
const PASSWORD = 'a password for the kill -9 test'
const CLIENTS = 4
const LINES = 3
const cleanups: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

async function gql(server: ServerProcess, query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(new URL('/graphql', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  })
  return (await response.json()) as any
}

const CREATE_ORDER = `mutation($input: CreateSalesOrderInput!) {
  createSalesOrder(input: $input) { idempotentReplay salesOrder { id number lines { position } } }
}`
const orderInput = (jobId: string, key: string) => ({
  jobId,
  currency: 'USD',
  idempotencyKey: key,
  lines: Array.from({ length: LINES }, (_, i) => ({ description: `${key} line ${i + 1}`, quantity: String(i + 1), unitPrice: '12.50' })),
})

interface Acknowledged {
  key: string
  id: string
  number: number
}

describe('kill -9 mid-burst', () => {
  it('keeps every acknowledged order whole, no order without lines, numbers without gaps, one order per idempotency key', async () => {
    const started = Date.now()
    const env: Record<string, string> = {
      GATEHOUSE_DEMO_DATA: '0',
      BOOTSTRAP_ADMIN_EMAIL: EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      GATEHOUSE_COST_LIMIT: '10000000',
      GATEHOUSE_COST_RESTORE_RATE: '10000000',
    }
    let dataDir: string | undefined
    let database: (DatabaseHandle & { url?: string }) | undefined
    if (process.env.DATABASE_URL) {
      database = await createTestDatabase({ poolSize: 2 })
      cleanups.push(() => database!.close())
      env.DATABASE_URL = database.url!
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-kill9-'))
      cleanups.push(() => rmSync(dataDir!, { recursive: true, force: true }))
      env.GATEHOUSE_DATA_DIR = dataDir
    }
    const start = async () => startServerProcess({ ...env, PORT: String(await freePort()) }, cleanups)

    const first = await start()
    const startedIn = Date.now() - started
    const signIn = await gql(first, 'mutation($input: SignInInput!) { signIn(input: $input) { token } }', { input: { email: EMAIL, password: PASSWORD } })
    const token = signIn.data.signIn.token as string
    const contact = await gql(first, 'mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }', {
      input: { firstName: 'Crash', lastName: 'Client', type: 'CLIENT' },
    }, token)
    const job = await gql(first, 'mutation($input: CreateJobInput!) { createJob(input: $input) { job { id } } }', {
      input: { name: 'Crash job', status: 'WIP', clientId: contact.data.createContact.contact.id },
    }, token)
    const jobId = job.data.createJob.job.id as string

    // The burst: each client sends creates one after another until the server is gone.
    const acknowledged: Acknowledged[] = []
    const unacknowledged: string[] = []
    let killed = false
    const client = async (c: number) => {
      for (let i = 0; !killed; i++) {
        const key = `kill9-${c}-${i}`
        try {
          const result = await gql(first, CREATE_ORDER, { input: orderInput(jobId, key) }, token)
          expect(result.errors, JSON.stringify(result.errors)).toBeUndefined()
          const order = result.data.createSalesOrder.salesOrder
          expect(order.lines).toHaveLength(LINES)
          acknowledged.push({ key, id: order.id, number: Number(order.number) })
        } catch (error) {
          if (!killed) throw error
          unacknowledged.push(key)
          return
        }
      }
    }
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c))
    while (acknowledged.length < 40) await new Promise((resolve) => setTimeout(resolve, 5))
    killed = true
    first.child.kill('SIGKILL')
    await first.exited
    await Promise.all(clients)
    expect(unacknowledged.length).toBeGreaterThan(0) // it did die mid-burst: requests were cut off

    // Restart on the same database; the dead process's lock on a data folder is taken over.
    const second = await start()
    const token2 = (await gql(second, 'mutation($input: SignInInput!) { signIn(input: $input) { token } }', { input: { email: EMAIL, password: PASSWORD } }))
      .data.signIn.token as string
    let replays = 0
    for (const key of unacknowledged) {
      const result = await gql(second, CREATE_ORDER, { input: orderInput(jobId, key) }, token2)
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined()
      expect(result.data.createSalesOrder.salesOrder.lines).toHaveLength(LINES)
      if (result.data.createSalesOrder.idempotentReplay) replays++
    }

    // Read the tables themselves: on an embedded folder, after the server let go of it.
    if (dataDir) {
      second.child.kill('SIGTERM')
      expect(await second.exited).toBe(0)
      database = await openDatabase({ kind: 'pglite', dataDir })
      cleanups.push(() => database!.close())
    }
    const db = database!.db
    const orders = await db.selectFrom('sales_orders')
      .select(['id', 'number', sql<string>`(select count(*) from sales_order_lines l where l.business_id = sales_orders.business_id and l.sales_order_id = sales_orders.id)`.as('lines')])
      .orderBy('number').execute()
    const story = `${acknowledged.length} acknowledged, ${unacknowledged.length} cut off (${replays} had committed), ${orders.length} orders`

    // Every acknowledged order is there, with its number and every line.
    const byId = new Map(orders.map((order) => [order.id, order]))
    for (const ack of acknowledged) {
      const row = byId.get(decodeGlobalId(ack.id).id)
      expect(row, `${ack.key} lost; ${story}`).toBeDefined()
      expect(Number(row!.number)).toBe(ack.number)
    }
    // No order without its lines; numbers 1..N without a gap; one order per key sent.
    expect(orders.filter((order) => Number(order.lines) !== LINES), story).toEqual([])
    expect(orders.map((order) => Number(order.number)), story).toEqual(orders.map((_, i) => i + 1))
    expect(orders.length, story).toBe(acknowledged.length + unacknowledged.length)
    console.info(`kill -9 on ${database!.kind}: ${story}; first start ${startedIn} ms, all ${Date.now() - started} ms`)
  }, 120_000)
})
