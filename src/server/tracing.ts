import { type Span, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api'
import type { SpanProcessor } from '@opentelemetry/sdk-trace-node'
import type { Plugin } from 'graphql-yoga'

/**
 * OpenTelemetry traces, off unless GATEHOUSE_OTEL_TRACES_URL names an OTLP/HTTP endpoint: a server
 * span per GraphQL request (a child of the caller's W3C `traceparent` when it sends one) and a
 * span per SQL statement inside it (db/deadline.ts). Spans carry ids, names and codes, never a
 * credential, a variable or a row. While tracing is off nothing is registered and the request
 * path skips all of it.
 */

let enabled = false

export interface Tracing {
  /** Sends what is still buffered and stops. */
  shutdown(): Promise<void>
}

/**
 * Starts tracing to an OTLP/HTTP endpoint (or into `processor`, for tests); once per process. The
 * SDK is loaded only here: a server that does not trace never loads it.
 */
export async function startTracing(options: { url?: string; processor?: SpanProcessor }): Promise<Tracing> {
  const [{ BatchSpanProcessor, NodeTracerProvider }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ])
  const processor = options.processor ?? new BatchSpanProcessor(new OTLPTraceExporter({ url: options.url }))
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'gatehouse' }),
    spanProcessors: [processor],
  })
  // The W3C trace-context propagator and an AsyncLocalStorage context manager, process-wide.
  provider.register()
  enabled = true
  return {
    async shutdown() {
      enabled = false
      await provider.shutdown()
      trace.disable()
      propagation.disable()
      context.disable()
    },
  }
}

const tracer = () => trace.getTracer('gatehouse')

/**
 * Runs the handling of one HTTP request inside a server span, continuing the caller's trace when
 * its `traceparent` header names one. Without tracing, just runs it.
 */
export function traced<T>(headers: Pick<Headers, 'get'>, method: string, path: string, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work()
  const parent = propagation.extract(context.active(), headers, { get: (carrier, key) => carrier.get(key) ?? undefined, keys: () => [] })
  return tracer().startActiveSpan(
    `${method} ${path}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } },
    parent,
    async (span) => {
      try {
        return await work()
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR })
        throw error
      } finally {
        span.end()
      }
    },
  )
}

/** Describes the request's span once it is answered: status, operation name, request id. */
export function describeRequestSpan(details: { status: number; operationName?: string; requestId: string }): void {
  const span: Span | undefined = enabled ? trace.getActiveSpan() : undefined
  if (!span) return
  span.setAttribute('http.response.status_code', details.status)
  span.setAttribute('gatehouse.request_id', details.requestId)
  if (details.operationName) span.setAttribute('graphql.operation.name', details.operationName)
  if (details.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
}

/** The yoga side: every request yoga handles runs in its span. */
export function useTracing(): Plugin {
  return {
    instrumentation: {
      request: ({ request }, wrapped) => {
        const url = new URL(request.url, 'http://localhost')
        return traced(request.headers, request.method, url.pathname, async () => wrapped()) as never
      },
    },
  }
}
