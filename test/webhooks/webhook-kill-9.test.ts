import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../setup/database.js'
import { freePort } from '../setup/private-postgres.js'
import { type ServerProcess, startServerProcess } from '../setup/server-process.js'
import { eventually } from '../setup/eventually.js'

/**
 * A Gatehouse server process killed (SIGKILL) while a delivery is in flight, then started again on
 * the same database: the event is sent again, with the same webhook-id, and recorded as delivered.
 * A real process on the run's database (a fresh PostgreSQL database, or an embedded data folder
 * whose lock the dead process left behind); the receiver is on 127.0.0.1.
 */

const EMAIL = 'admin@webhook-kill-9.test'
const PASSWORD = 'a password for the webhook kill test'
const cleanups: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

async function gql(server: ServerProcess, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(new URL('/graphql', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  })
  const body = (await response.json()) as any
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined()
  return body.data
}

describe('a server process killed mid-delivery', () => {
  it('delivers after restart, with the same webhook-id', async () => {
    // The first request is never answered (in flight when the process dies); later ones get 204.
    const arrived: string[] = []
    let firstArrived: () => void
    const first = new Promise<void>((resolve) => (firstArrived = resolve))
    const receiver = createServer((request, response) => {
      request.resume()
      arrived.push(String(request.headers['webhook-id']))
      if (arrived.length === 1) firstArrived()
      else request.on('end', () => response.writeHead(204).end())
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => { receiver.closeAllConnections(); receiver.close(() => resolve()) }))

    const env: Record<string, string> = {
      GATEHOUSE_DEMO_DATA: '0',
      BOOTSTRAP_ADMIN_EMAIL: EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1',
      // A short attempt deadline makes a short lease (deadline + 1 s + 5 s) for the restart to wait out.
      GATEHOUSE_WEBHOOK_TIMEOUT_MS: '1000',
    }
    if (process.env.DATABASE_URL) {
      const database = await createTestDatabase({ poolSize: 2 })
      cleanups.push(() => database.close())
      env.DATABASE_URL = database.url!
    } else {
      const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-webhook-kill9-'))
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
      env.GATEHOUSE_DATA_DIR = dataDir
    }
    const start = async () => startServerProcess({ ...env, PORT: String(await freePort()) }, cleanups)

    const dying = await start()
    const { token } = (await gql(dying, 'mutation($i: SignInInput!) { signIn(input: $i) { token } }', { i: { email: EMAIL, password: PASSWORD } })).signIn
    const roles = (await gql(dying, '{ securityRoles { nodes { id name } } }', {}, token)).securityRoles.nodes
    const member = (await gql(dying, 'mutation($i: CreateApiMemberInput!) { createApiMember(input: $i) { id } }',
      { i: { name: 'Receiver', description: 'kill -9', roleId: roles[0].id } }, token)).createApiMember
    await gql(dying, 'mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }', {
      i: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kill-9`, events: ['supplier.created'], memberId: member.id },
    }, token)
    await gql(dying, 'mutation { createSupplier(input: {name: "Killed Supplies"}) { supplier { id } } }', {}, token)
    await first
    dying.child.kill('SIGKILL')
    await dying.exited
    expect(arrived).toHaveLength(1)

    const restarted = await start()
    await eventually(() => expect(arrived).toHaveLength(2), 30_000)
    expect(arrived[1]).toBe(arrived[0])
    const { token: again } = (await gql(restarted, 'mutation($i: SignInInput!) { signIn(input: $i) { token } }', { i: { email: EMAIL, password: PASSWORD } })).signIn
    const delivery = await eventually(async () => {
      const endpoints = (await gql(restarted, '{ webhookEndpoints { nodes { deliveries { nodes { messageId status attemptCount } } } } }', {}, again)).webhookEndpoints
      const [only] = endpoints.nodes[0].deliveries.nodes
      expect(only.status).toBe('DELIVERED')
      return only
    })
    expect(delivery).toEqual({ messageId: arrived[0], status: 'DELIVERED', attemptCount: 2 })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(arrived).toHaveLength(2)
  }, 180_000)
})
