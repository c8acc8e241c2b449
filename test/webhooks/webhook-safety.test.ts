import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { RESPONSE_BODY_LIMIT, postWebhook } from '../../src/webhooks/send.js'
import type { Address } from '../../src/webhooks/targets.js'
import { startTestServer } from '../setup/app.js'
import { AUDIT, fails, ok } from '../setup/admin-client.js'
import { createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'
import { eventually } from '../setup/eventually.js'

/**
 * What a delivery refuses to do, over real HTTP to receivers on loopback only: follow a redirect,
 * read more than a few KiB of an answer, connect anywhere but the address it checked, send plain
 * http in production; and an endpoint failing without a success for long enough is disabled, the
 * admins told (audit, fields on the endpoint), its deliveries kept for when it is switched on again.
 */

const cleanups: Array<() => Promise<unknown>> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

/** A receiver on 127.0.0.1 answering with `handler`; records the path and Host header of each request. */
async function receiver(handler: (request: IncomingMessage, response: ServerResponse) => void) {
  const requests: Array<{ path: string; host: string }> = []
  const server = createServer((request, response) => {
    requests.push({ path: request.url ?? '/', host: String(request.headers.host) })
    request.resume()
    request.on('end', () => handler(request, response))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const port = (server.address() as AddressInfo).port
  return { port, requests, url: (path: string) => `http://127.0.0.1:${port}${path}` }
}

const LOOSE = { production: false, allowPrivate: true }
const post = (url: string, options: Partial<Parameters<typeof postWebhook>[3]> = {}) =>
  postWebhook(url, { 'content-type': 'application/json' }, '{}', { timeoutMs: 5_000, rules: LOOSE, ...options })

describe('one delivery attempt', () => {
  it('does not follow a redirect: a 302 is a failure and its Location is never fetched', async () => {
    const target = await receiver((request, response) => {
      if (request.url === '/moved') response.writeHead(302, { location: '/elsewhere' }).end()
      else response.writeHead(204).end()
    })
    const result = await post(target.url('/moved'))
    expect(result).toMatchObject({ ok: false, status: 302, error: 'answered HTTP 302' })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(target.requests.map((r) => r.path)).toEqual(['/moved'])
  })

  it('reads at most 4 KiB of an endless answer, then lets the connection go', async () => {
    let written = 0
    let closed = false
    const chunk = Buffer.alloc(64 * 1024, 'x')
    const target = await receiver((request, response) => {
      response.writeHead(request.url === '/endless-500' ? 500 : 200, { 'content-type': 'text/plain' })
      response.on('close', () => (closed = true))
      // Writes as fast as the socket takes it, for ever: only the client letting go stops it.
      const pump = () => {
        while (!closed && response.write(chunk)) written += chunk.length
        if (!closed) response.once('drain', pump)
      }
      pump()
    })
    expect(RESPONSE_BODY_LIMIT).toBe(4_096)
    const started = Date.now()
    const result = await post(target.url('/endless'))
    expect(result).toMatchObject({ ok: true, status: 200, error: null })
    // Well within the attempt's 5 s deadline: the answer was cut, not waited out.
    expect(Date.now() - started).toBeLessThan(2_000)
    await eventually(() => expect(closed).toBe(true), 2_000)
    const after = written
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(written).toBe(after)

    closed = false
    const failed = await post(target.url('/endless-500'))
    expect(failed).toMatchObject({ ok: false, status: 500, error: 'answered HTTP 500' })
    expect(failed.latencyMs).toBeLessThan(2_000)
    await eventually(() => expect(closed).toBe(true), 2_000)
  })

  it('connects to the address it checked, not to what the name resolves to a moment later', async () => {
    const target = await receiver((_request, response) => response.writeHead(204).end())
    // A name under .test (reserved, never public), answered by an injected resolver whose answer
    // changes after the first question: 127.0.0.1 (the receiver), then 127.0.0.3 (nobody).
    const asked: string[] = []
    const rebinding = async (host: string): Promise<Address[]> => {
      asked.push(host)
      return [{ address: asked.length === 1 ? '127.0.0.1' : '127.0.0.3', family: 4 }]
    }
    const url = `http://hooks.gatehouse.test:${target.port}/pinned`
    const result = await post(url, { resolve: rebinding })
    expect(result).toMatchObject({ ok: true, status: 204 })
    expect(asked).toEqual(['hooks.gatehouse.test'])
    expect(target.requests).toEqual([{ path: '/pinned', host: `hooks.gatehouse.test:${target.port}` }])

    // Without the allow setting the same answer is refused before any connection is made.
    asked.length = 0
    const refused = await post(url, { resolve: rebinding, rules: { production: false, allowPrivate: false } })
    expect(refused).toMatchObject({ ok: false, status: null })
    expect(refused.error).toMatch(/^refused target: hooks\.gatehouse\.test is or resolves to a loopback/)
    expect(target.requests).toHaveLength(1)
  })

  it('reuses a connection only to the address it checked this time', async () => {
    // Two receivers on one port, at 127.0.0.1 and 127.0.0.2 (both loopback), counting connections.
    const opened: string[] = []
    const at = async (host: string, port = 0) => {
      const server = createServer((request, response) => {
        request.resume()
        request.on('end', () => response.writeHead(204).end())
      })
      server.on('connection', () => opened.push(host))
      await new Promise<void>((resolve) => server.listen(port, host, resolve))
      cleanups.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
      return (server.address() as AddressInfo).port
    }
    const port = await at('127.0.0.1')
    await at('127.0.0.2', port)
    const answers = ['127.0.0.1', '127.0.0.1', '127.0.0.2', '127.0.0.1']
    const resolve = async (): Promise<Address[]> => [{ address: answers.shift()!, family: 4 }]
    const url = `http://reuse.gatehouse.test:${port}/hook`
    for (let i = 0; i < 4; i++) expect(await post(url, { resolve })).toMatchObject({ ok: true, status: 204 })
    // The second attempt went over the first one's connection; the third, resolved elsewhere, got
    // one of its own; the fourth, back at the first address, reused the first connection.
    expect(opened).toEqual(['127.0.0.1', '127.0.0.2'])
  })

  it('sends no plain http in production', async () => {
    const target = await receiver((_request, response) => response.writeHead(204).end())
    const result = await post(target.url('/plain'), { rules: { production: true, allowPrivate: true } })
    expect(result).toMatchObject({ ok: false, status: null, error: 'refused target: Must use HTTPS.' })
    expect(target.requests).toEqual([])
  })
})

describe('endpoints in production mode', () => {
  it('must use HTTPS: http is BAD_USER_INPUT on url, and a stored http endpoint is never sent to', async () => {
    const target = await receiver((_request, response) => response.writeHead(204).end())
    const server = await startTestServer({ NODE_ENV: 'production', GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1', GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '60' })
    cleanups.push(() => server.close())
    const admin = await signInAsAdmin(server)
    const member = await createMemberWithKeys(server, admin)
    const create = (url: string) => server.graphql(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { id url } } }`, {
      variables: { i: { url, events: ['supplier.created'], memberId: member.globalId } }, headers: admin.headers,
    })
    const refused = fails(await create(target.url('/plain')), 'BAD_USER_INPUT')
    expect(refused.extensions?.field).toBe('input.url')
    expect(refused.message).toMatch(/HTTPS/)
    expect(ok(await create(`https://localhost:${target.port}/tls`)).createWebhookEndpoint.endpoint.url).toBe(`https://localhost:${target.port}/tls`)

    // An endpoint saved while the server was not in production (written here as a migration would).
    const db = server.app.services.database.db
    await db.updateTable('webhook_endpoints').set({ url: target.url('/plain') }).execute()
    ok(await server.graphql(`mutation { createSupplier(input: {name: "Plain Supplies"}) { supplier { id } } }`, { headers: admin.headers }))
    const delivery = await eventually(async () => {
      const row = await db.selectFrom('webhook_deliveries').select(['status', 'attempts', 'last_error']).executeTakeFirstOrThrow()
      expect(row.attempts).toBe(1)
      expect(row.last_error).not.toBeNull()
      return row
    })
    expect(delivery).toEqual({ status: 'PENDING', attempts: 1, last_error: 'refused target: Must use HTTPS.' })
    expect(target.requests).toEqual([])
  }, 30_000)
})

describe('an endpoint failing for long', () => {
  it('is disabled with the admins told, keeps its deliveries, and resumes when switched on', async () => {
    let healthy = false
    const target = await receiver((_request, response) => response.writeHead(healthy ? 204 : 503).end())
    const server = await startTestServer({
      GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1',
      GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: Array(30).fill('0.1').join(','),
      GATEHOUSE_WEBHOOK_DISABLE_AFTER_SECONDS: '0.5',
    })
    cleanups.push(() => server.close())
    const admin = await signInAsAdmin(server)
    const member = await createMemberWithKeys(server, admin)
    const as = (query: string, i?: Record<string, unknown>) => server.graphql(query, { variables: i ? { i } : {}, headers: admin.headers }).then(ok)
    const { id } = (await as(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { id } } }`,
      { url: target.url('/down'), events: ['supplier.created'], memberId: member.globalId })).createWebhookEndpoint.endpoint
    await as(`mutation { createSupplier(input: {name: "Down Supplies"}) { supplier { id } } }`)

    const endpointNow = async () => ok(await server.graphql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { active disabledAt disabledReason
      failingSince deliveries { nodes { status attemptCount lastResponseStatus } } } } }`, { variables: { id }, headers: admin.headers })).node
    const disabled = await eventually(async () => {
      const endpoint = await endpointNow()
      expect(endpoint.active).toBe(false)
      return endpoint
    }, 10_000)
    expect(disabled.disabledAt).not.toBeNull()
    expect(disabled.disabledReason).toBe('no successful delivery for 0.5 s')
    expect(disabled.failingSince).not.toBeNull()
    expect(disabled.deliveries.nodes).toEqual([{ status: 'PENDING', attemptCount: expect.any(Number), lastResponseStatus: 503 }])
    const attemptsWhenDisabled = target.requests.length
    expect(attemptsWhenDisabled).toBeGreaterThanOrEqual(2)

    const audit = await as(AUDIT, undefined)
    const told = audit.auditEvents.nodes.filter((event: any) => event.action === 'webhook.disabled')
    expect(told).toHaveLength(1)
    expect(told[0]).toMatchObject({ actor: null, targetType: 'WebhookEndpoint', details: { reason: 'no successful delivery for 0.5 s' } })

    // Disabled: nothing more is sent, and the delivery waits rather than dying.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(target.requests).toHaveLength(attemptsWhenDisabled)

    healthy = true
    const resumed = (await as(`mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { active disabledAt disabledReason failingSince } }`,
      { id, active: true })).updateWebhookEndpoint
    expect(resumed).toEqual({ active: true, disabledAt: null, disabledReason: null, failingSince: null })
    const delivered = await eventually(async () => {
      const endpoint = await endpointNow()
      expect(endpoint.deliveries.nodes[0].status).toBe('DELIVERED')
      return endpoint
    }, 10_000)
    expect(delivered.deliveries.nodes[0].lastResponseStatus).toBe(204)
    expect(delivered.active).toBe(true)
  }, 30_000)
})
