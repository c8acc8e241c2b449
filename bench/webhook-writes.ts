import { execFileSync, fork } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import type { CpuSeconds } from './database-cpu.js'

/**
 * What webhooks cost a write, and how soon they arrive: one client updates contacts round-robin,
 * one at a time, in alternating windows with the business's one endpoint active and inactive (an
 * inactive endpoint is, for the write, the same as none: nothing is queued), against a receiver on
 * 127.0.0.1 in a child process (bench/webhook-receiver.mjs). Measures the write latency of both (p50 / p99), the added latency,
 * and the time from the write's answer (after its commit) to the delivery's arrival (p50 / p99).
 * Given a CPU meter, also the CPU a write costs with and without the endpoint, its delivery
 * included (a window with the endpoint ends when its deliveries arrived): on a shared machine the
 * latency tracks the load, the CPU per write much less.
 * Used by `npm run bench` (a Gatehouse server process, HTTPS receiver) and `npm run bench:webhooks`
 * (in process).
 */

export interface Summary {
  n: number
  p50: number
  p99: number
}

export interface WebhookWritesResult {
  windows: number
  writesPerWindow: number
  records: number
  writeMs: { none: Summary; one: Summary }
  addedP50Percent: number
  commitToDeliveryMs: Summary & { missing: number }
  /** CPU ms per write (Gatehouse processes and PostgreSQL) without and with the endpoint, and PostgreSQL's part; with a meter. */
  cpuPerWriteMs?: { none: number; one: number; addedPercent: number; databaseNone: number; databaseOne: number }
}

export interface WebhookWritesOptions {
  graphqlUrl: string
  admin: { email: string; password: string }
  windows: number
  writes: number
  /** How many contacts the writes go round (1: every event waits for the one before it). */
  records: number
  /** HTTPS receiver (a server in production mode sends nothing else): its key and certificate files. */
  tls?: { keyFile: string; certFile: string }
  /** How long to wait for the last deliveries (0: the server delivers nothing). */
  drainMs?: number
  /** CPU seconds used so far by the Gatehouse processes and by their PostgreSQL backends. */
  cpuSeconds?: () => Promise<CpuSeconds>
  /** The database, to ANALYZE the webhook tables after the warm-up writes (see below). */
  databaseUrl?: string
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
export const summary = (samples: number[]): Summary => {
  const sorted = [...samples].sort((a, b) => a - b)
  return { n: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) }
}

/** A self-signed certificate for 127.0.0.1 (openssl), for the receiver; the server trusts it by NODE_EXTRA_CA_CERTS. */
export function loopbackCertificate(dir: string): { keyFile: string; certFile: string } {
  const keyFile = join(dir, 'webhook-receiver.key')
  const certFile = join(dir, 'webhook-receiver.crt')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
  return { keyFile, certFile }
}

export async function measureWebhookWrites(options: WebhookWritesOptions): Promise<WebhookWritesResult> {
  // The receiver runs in a child process: in this one, its TLS handshakes would delay the client's timing.
  const receiver = fork(fileURLToPath(new URL('./webhook-receiver.mjs', import.meta.url)), options.tls ? [options.tls.keyFile, options.tls.certFile] : [], { stdio: 'ignore' })
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    receiver.once('message', (message) => resolve(message as { port: number }))
    receiver.once('exit', (code) => reject(new Error(`the webhook receiver exited (${code})`)))
  })
  const receiverUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/bench`
  const arrivalsNow = () => new Promise<Map<string, number>>((resolve) => {
    receiver.once('message', (message) => resolve(new Map(Object.entries((message as { arrivals: Record<string, number> }).arrivals))))
    receiver.send('report')
  })
  let token = ''
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(options.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    })
    const body = (await response.json()) as { data?: any; errors?: unknown }
    if (body.errors) throw new Error(JSON.stringify(body.errors))
    return body.data
  }
  let endpoint: string | undefined
  try {
    token = (await gql('mutation($i: SignInInput!) { signIn(input: $i) { token } }', { i: options.admin })).signIn.token
    // A reused bench database may keep the endpoint of a run cut short (the finally below never
    // ran): its deliveries would fail to a gone receiver and be retried beside this run's.
    const left = await gql('{ webhookEndpoints(first: 100) { nodes { id } } }')
    for (const { id } of left.webhookEndpoints.nodes) await gql('mutation($i: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $i) { deletedId } }', { i: { id } })
    const roles = await gql('{ securityRoles { nodes { id name } } }')
    const roleId = roles.securityRoles.nodes.find((role: { name: string }) => role.name === 'Admin').id
    const member = (await gql('mutation($i: CreateApiMemberInput!) { createApiMember(input: $i) { id } }', { i: { name: 'Bench hooks', description: '', roleId } })).createApiMember.id
    endpoint = (await gql('mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { id } } }', {
      i: { url: receiverUrl, events: ['contact.updated'], memberId: member },
    })).createWebhookEndpoint.endpoint.id as string
    const contacts: Array<{ id: string; version: number }> = []
    for (let i = 0; i < options.records; i++) {
      contacts.push((await gql('mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id version } } }', {
        i: { type: 'CLIENT', firstName: 'Bench', lastName: `Webhook contact ${i}` },
      })).createContact.contact)
    }
    const latency: Record<'none' | 'one', number[]> = { none: [], one: [] }
    const answered = new Map<string, number>()
    let turn = 0
    const update = async () => {
      const contact = contacts[turn++ % contacts.length]!
      const started = performance.timeOrigin + performance.now()
      const data = await gql('mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { version } } }', {
        i: { id: contact.id, expectedVersion: contact.version, company: `Company ${contact.version}` },
      })
      const done = performance.timeOrigin + performance.now()
      contact.version = data.updateContact.contact.version
      return { ms: done - started, done, key: `${contact.id}@${contact.version}` }
    }
    const drained = async (keys: Iterable<string>, waitMs: number) => {
      const deadline = Date.now() + waitMs
      let arrivals = await arrivalsNow()
      while ([...keys].some((key) => !arrivals.has(key)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        arrivals = await arrivalsNow()
      }
      return arrivals
    }
    for (let i = 0; i < 50; i++) await update() // warm-up, endpoint active
    // What autovacuum's analyze does once a table has changed by 50 rows, which this machine's
    // PostgreSQL (autovacuum off) never does: the webhook tables were empty when the bench's
    // VACUUM ANALYZE ran, and on those statistics the claim's and the outcome's joins walk whole
    // indexes (docs/webhooks.md, *Fewer messages per event*).
    if (options.databaseUrl) await analyzeWebhookTables(options.databaseUrl)
    const cpu = { none: { gatehouse: 0, database: 0 }, one: { gatehouse: 0, database: 0 } }
    for (let window = 0; window < options.windows * 2; window++) {
      const mode = window % 2 === 0 ? 'none' : 'one'
      await gql('mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { active } }', { i: { id: endpoint, active: mode === 'one' } })
      const cpuBefore = await options.cpuSeconds?.()
      const keys: string[] = []
      for (let i = 0; i < options.writes; i++) {
        const { ms, done, key } = await update()
        latency[mode].push(ms)
        if (mode === 'one') answered.set(key, done), keys.push(key)
      }
      if (cpuBefore === undefined) continue
      if (keys.length > 0) await drained(keys, options.drainMs ?? 30_000)
      const cpuAfter = await options.cpuSeconds!()
      cpu[mode].gatehouse += cpuAfter.gatehouse - cpuBefore.gatehouse
      cpu[mode].database += cpuAfter.database - cpuBefore.database
    }
    const arrivals = await drained(answered.keys(), options.drainMs ?? 30_000)
    const toDelivery = [...answered].filter(([key]) => arrivals.has(key)).map(([key, at]) => arrivals.get(key)! - at)
    const [none, one] = [summary(latency.none), summary(latency.one)]
    return {
      windows: options.windows,
      writesPerWindow: options.writes,
      records: options.records,
      writeMs: { none, one },
      addedP50Percent: ((one.p50 - none.p50) / none.p50) * 100,
      commitToDeliveryMs: { ...summary(toDelivery), missing: answered.size - toDelivery.length },
      ...(options.cpuSeconds ? { cpuPerWriteMs: perWrite(cpu, options.windows * options.writes) } : {}),
    }
  } finally {
    // A reused bench database keeps no endpoint: later runs' writes must not queue deliveries.
    if (endpoint) await gql('mutation($i: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $i) { deletedId } }', { i: { id: endpoint } }).catch(() => {})
    receiver.kill()
  }
}

async function analyzeWebhookTables(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('analyze webhook_endpoints, webhook_events, webhook_deliveries, webhook_attempts')
  } finally {
    await client.end()
  }
}

function perWrite(cpu: Record<'none' | 'one', CpuSeconds>, writes: number) {
  const ms = (seconds: number) => (seconds * 1000) / writes
  const none = ms(cpu.none.gatehouse + cpu.none.database)
  const one = ms(cpu.one.gatehouse + cpu.one.database)
  return { none, one, addedPercent: ((one - none) / none) * 100, databaseNone: ms(cpu.none.database), databaseOne: ms(cpu.one.database) }
}

/** The report's section (bench/report.ts): delivered in process, and by a second process when measured. */
export function webhookWritesSection(inProcess: WebhookWritesResult, separate?: WebhookWritesResult): string[] {
  const ms = (value: number) => value.toFixed(1)
  const rows = (where: string, result: WebhookWritesResult) => [
    `| ${where} | none | ${result.writeMs.none.n} | ${ms(result.writeMs.none.p50)} | ${ms(result.writeMs.none.p99)} | | | ${cpu(result, 'none')} |`,
    `| ${where} | one active | ${result.writeMs.one.n} | ${ms(result.writeMs.one.p50)} | ${ms(result.writeMs.one.p99)} | ` +
      `${ms(result.commitToDeliveryMs.p50)} / ${ms(result.commitToDeliveryMs.p99)} | ${signed(result.addedP50Percent)} | ${cpu(result, 'one')} |`,
  ]
  const signed = (percent: number) => `${percent >= 0 ? '+' : ''}${percent.toFixed(1)} %`
  const cpu = (result: WebhookWritesResult, mode: 'none' | 'one') => {
    const per = result.cpuPerWriteMs
    if (!per) return ''
    return mode === 'none' ? `${per.none.toFixed(2)} (PostgreSQL ${per.databaseNone.toFixed(2)})` : `${per.one.toFixed(2)} (PostgreSQL ${per.databaseOne.toFixed(2)}; ${signed(per.addedPercent)})`
  }
  return [
    '## What a webhook endpoint costs a write',
    '',
    `One client updates ${inProcess.records} contacts round-robin, one write at a time, on a Gatehouse server with JIT, in ` +
      `${inProcess.windows * 2} alternating windows of ${inProcess.writesPerWindow} writes with the business's one endpoint (subscribed to ` +
      '`contact.updated`) active and inactive (inactive queues nothing: the same as none for the write). The receiver is HTTPS on ' +
      '127.0.0.1, in a process of its own. First with the delivery loop in the writing server (the default), then with the writing ' +
      'server running none (`GATEHOUSE_WEBHOOK_WORKER=0`) and a second server process delivering; no other server of the run ' +
      'runs a loop (the query servers deliver nothing, and are stopped before the second). CPU per write is the ' +
      'Gatehouse processes\' and their PostgreSQL backends\' user + system time over the windows (from /proc), divided by ' +
      'the writes; a window with the endpoint ends when its deliveries arrived, so their work is counted.',
    '',
    '| delivery loop | endpoint | writes | p50 ms | p99 ms | commit → delivery p50 / p99 ms | added p50 | CPU ms per write (PostgreSQL; added) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows('in the writing process', inProcess),
    ...(separate ? rows('in another process', separate) : []),
    '',
  ]
}
