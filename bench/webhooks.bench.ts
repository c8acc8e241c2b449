/**
 * `npm run bench:webhooks`: what webhooks cost a write, and how soon they arrive. One in-process
 * Gatehouse (PGlite, or a fresh PostgreSQL database when DATABASE_URL is set), one contact updated
 * by one client in alternating windows with its business's one endpoint active and inactive (an
 * inactive endpoint is, for the write, the same as none: nothing is queued), and a receiver on
 * 127.0.0.1. Prints the write latency of both (p50 / p99), the added latency, and the time from the
 * write's answer (after its commit) to the delivery's arrival (p50 / p99).
 * Options: --windows N (default 6), --writes N per window (default 200), --records N (default 20): the
 * writes go round-robin over that many contacts (1: every event waits for the one before it, the
 * worst case of in-order delivery).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { createApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createTestDatabase } from '../test/setup/database.js'

const { values } = parseArgs({ options: { windows: { type: 'string', default: '6' }, writes: { type: 'string', default: '200' }, records: { type: 'string', default: '20' } } })
const WINDOWS = Number(values.windows)
const WRITES = Number(values.writes)
const RECORDS = Number(values.records)
const EMAIL = 'bench@webhooks.test'
const PASSWORD = 'bench webhooks password'

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b)
  return { n: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) }
}

const arrivals = new Map<string, number>()
const receiver = createServer((request, response) => {
  let body = ''
  request.on('data', (chunk) => (body += chunk))
  request.on('end', () => {
    const { data } = JSON.parse(body) as { data: { id: string; version: number } }
    arrivals.set(`${data.id}@${data.version}`, performance.now())
    response.writeHead(204).end()
  })
})
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))

const database = await createTestDatabase()
const config = loadConfig({
  NODE_ENV: 'test', GATEHOUSE_DEMO_DATA: '0', BOOTSTRAP_ADMIN_EMAIL: EMAIL, BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
  GATEHOUSE_KEY_PEPPER: 'bench-pepper-0123456789abcdef', GATEHOUSE_COST_LIMIT: '0', GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1',
  // GATEHOUSE_WEBHOOK_WORKER=0 measures the outbox write alone (nothing is delivered).
  GATEHOUSE_WEBHOOK_WORKER: process.env.GATEHOUSE_WEBHOOK_WORKER ?? '1',
})
const app = await createApp(config, { database, log: pino({ level: 'warn' }) })
const server = createServer(app.handle)
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`
let token = ''
async function gql(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  })
  const body = (await response.json()) as { data?: any; errors?: unknown }
  if (body.errors) throw new Error(JSON.stringify(body.errors))
  return body.data
}

try {
  token = (await gql('mutation($i: SignInInput!) { signIn(input: $i) { token } }', { i: { email: EMAIL, password: PASSWORD } })).signIn.token
  const roles = await gql('{ securityRoles { nodes { id name } } }')
  const roleId = roles.securityRoles.nodes.find((role: { name: string }) => role.name === 'Admin').id
  const member = (await gql('mutation($i: CreateApiMemberInput!) { createApiMember(input: $i) { id } }', { i: { name: 'Bench hooks', description: '', roleId } })).createApiMember.id
  const endpoint = (await gql('mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { id } } }', {
    i: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/bench`, events: ['contact.updated'], memberId: member },
  })).createWebhookEndpoint.endpoint.id
  const contacts: Array<{ id: string; version: number }> = []
  for (let i = 0; i < RECORDS; i++) {
    contacts.push((await gql('mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id version } } }', {
      i: { type: 'CLIENT', firstName: 'Bench', lastName: `Contact ${i}` },
    })).createContact.contact)
  }
  const latency: Record<'none' | 'one', number[]> = { none: [], one: [] }
  const answered = new Map<string, number>()
  let turn = 0
  const update = async () => {
    const contact = contacts[turn++ % contacts.length]!
    const started = performance.now()
    const data = await gql('mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { version } } }', {
      i: { id: contact.id, expectedVersion: contact.version, company: `Company ${contact.version}` },
    })
    const done = performance.now()
    contact.version = data.updateContact.contact.version
    return { ms: done - started, done, key: `${contact.id}@${contact.version}` }
  }
  for (let i = 0; i < 50; i++) await update() // warm-up, endpoint active
  for (let window = 0; window < WINDOWS * 2; window++) {
    const mode = window % 2 === 0 ? 'none' : 'one'
    await gql('mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { active } }', { i: { id: endpoint, active: mode === 'one' } })
    for (let i = 0; i < WRITES; i++) {
      const { ms, done, key } = await update()
      latency[mode].push(ms)
      if (mode === 'one') answered.set(key, done)
    }
  }
  const deadline = Date.now() + (config.GATEHOUSE_WEBHOOK_WORKER ? 30_000 : 0)
  while ([...answered.keys()].some((key) => !arrivals.has(key)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  const toDelivery = [...answered].filter(([key]) => arrivals.has(key)).map(([key, at]) => arrivals.get(key)! - at)
  const [none, one] = [summary(latency.none), summary(latency.one)]
  const result = {
    database: database.kind,
    windows: WINDOWS,
    writesPerWindow: WRITES,
    records: RECORDS,
    writeMs: { none, one },
    addedP50Percent: Number((((one.p50 - none.p50) / none.p50) * 100).toFixed(1)),
    commitToDeliveryMs: { ...summary(toDelivery), missing: answered.size - toDelivery.length },
  }
  console.log(JSON.stringify(result, (_key, value) => (typeof value === 'number' ? Number(value.toFixed(2)) : value), 2))
} finally {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await app.close()
  await database.close()
  receiver.closeAllConnections()
  receiver.close()
}
