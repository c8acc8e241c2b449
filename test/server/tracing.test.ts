import { randomBytes } from 'node:crypto'
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Tracing, startTracing } from '../../src/server/tracing.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { type MemberWithKeys, createMemberWithKeys, signInAsAdmin, xApiKey } from '../setup/clients.js'

/**
 * OpenTelemetry traces: a server span per request, continuing the caller's W3C traceparent, with a
 * span per SQL statement inside it, on the lean lane and through yoga alike; never a credential.
 */
const exporter = new InMemorySpanExporter()
let tracing: Tracing
let server: TestServer
let member: MemberWithKeys

beforeAll(async () => {
  tracing = await startTracing({ processor: new SimpleSpanProcessor(exporter) })
  server = await startTestServer()
  member = await createMemberWithKeys(server, await signInAsAdmin(server))
})
afterAll(async () => {
  await server?.close()
  await tracing?.shutdown()
})

const QUERY = 'query Jobs { jobs(first: 2) { nodes { id } } }'
const send = (headers: Record<string, string>) =>
  fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...xApiKey(member.primary.key), ...headers }, body: JSON.stringify({ query: QUERY }) })

const serverSpans = (traceId: string) => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId && span.kind === 1)
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId

describe('traces', () => {
  it('continue the caller\'s traceparent, through yoga and then the lean lane, with a span per statement', async () => {
    const traceId = randomBytes(16).toString('hex')
    const callerSpan = randomBytes(8).toString('hex')
    const lane = server.app.laneStats()!.served
    for (let i = 0; i < 2; i++) expect((await send({ traceparent: `00-${traceId}-${callerSpan}-01` })).status).toBe(200)
    expect(server.app.laneStats()!.served - lane).toBe(1)
    const requests = serverSpans(traceId)
    expect(requests).toHaveLength(2)
    for (const span of requests) {
      expect(parentOf(span)).toBe(callerSpan)
      expect(span.name).toBe('POST /graphql')
      expect(span.attributes).toMatchObject({ 'http.response.status_code': 200, 'graphql.operation.name': 'Jobs' })
      const statements = exporter.getFinishedSpans().filter((child) => parentOf(child) === span.spanContext().spanId)
      expect(statements.map((child) => child.name)).toContain('db SELECT')
    }
  })

  it('start a trace of their own without a traceparent, and carry no credential', async () => {
    const before = new Set(exporter.getFinishedSpans().map((span) => span.spanContext().traceId))
    expect((await send({})).status).toBe(200)
    const fresh = exporter.getFinishedSpans().filter((span) => !before.has(span.spanContext().traceId) && span.kind === 1)
    expect(fresh).toHaveLength(1)
    expect(parentOf(fresh[0]!)).toBeUndefined()
    const everything = JSON.stringify(exporter.getFinishedSpans().map((span) => [span.name, span.attributes]))
    expect(everything).not.toContain(member.primary.key)
    expect(everything).not.toContain(member.primary.privateKey)
  })
})
