import type { IncomingMessage, ServerResponse } from 'node:http'
import { type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode, getOperationAST, getVariableValues } from 'graphql'
import type { CompiledQuery } from 'graphql-jit'
import { type FetchAPI, type Plugin, processRegularResult } from 'graphql-yoga'
import { LRUCache } from 'lru-cache'
import type { Logger } from 'pino'
import type { Context } from '../context.js'
import type { CostMeter } from './cost/metering.js'
import { underDeadline } from './deadline.js'
import { MASKED_MESSAGE } from './mask-errors.js'
import { firstErrorCode } from './metrics.js'
import { type RequestRecord, inRequest, nameOperation, openRequestRecord, writeRequestLine } from './request-log.js'
import { unstorableVariables } from './text-input.js'
import { type UsageOutcome, usageOutcome } from './usage.js'

/**
 * The lean lane: the common request — a credentialed JSON POST of a query document this server has
 * already run through yoga — answered without yoga's per-request machinery (its Fetch API
 * Request/Response objects, body streams and plugin orchestration, about half a millisecond of
 * CPU per request here: more than the rest of a small query). Everything else goes to yoga as it
 * came: GETs, GraphiQL, mutations, documents not seen yet, bad JSON, unknown media types, browser
 * requests (CORS), and anything that fails before the caller is known.
 *
 * It is the same server, not a second one: it runs the same steps through the same functions the
 * yoga plugins call (request log, deadline, caller and key networks, storable text, cost meter,
 * graphql-jit with the same options, error masking, metrics, key usage) and formats errors with
 * yoga's own result processor. test/server/lean-lane.test.ts sends every kind of request to a
 * server with the lane and one without and compares status, headers and body bytes.
 */

export interface LeanLaneDeps {
  /** The node handler of everything the lane does not take (yoga). */
  yoga: (request: IncomingMessage, response: ServerResponse) => void
  /** Where yoga's result processor finds `Response` (the platform's). */
  fetchAPI: { Response: typeof Response }
  schema: GraphQLSchema
  /** graphql-jit's compiled operation, from the cache yoga's jit plugin uses (server/jit.ts); null when jit does not take it. */
  compiled(document: DocumentNode, operationName: string | null | undefined): CompiledQuery | null
  maxBodyBytes: number
  timeoutMs: number
  log: Logger
  resolveAddress: (peer: string | null, forwardedFor: string | null) => string | null
  /** The caller's context, exactly as yoga's context factory builds it (throws the refusal). */
  contextFor(headers: Pick<Headers, 'get'>, meta: { requestId: string; clientAddress: string | null }): Promise<Context>
  maskError: (error: unknown, message: string) => Error
  /** Contract codes and statuses on a result's errors, in place (server/document-errors.ts). */
  contractErrors(result: ExecutionResult): void
  meter: CostMeter
  observe(operationName: string | undefined, code: string, status: number, seconds: number): void
  recordUsage(businessId: string, keyId: string, outcome: UsageOutcome): void
  /** Runs a request in its trace span (server/tracing.ts). */
  traced<T>(headers: Pick<Headers, 'get'>, method: string, path: string, work: () => Promise<T>): Promise<T>
}

/** A document yoga has validated and run, ready to run again. */
interface KnownDocument {
  document: DocumentNode
  operation: OperationDefinitionNode
  compiled: CompiledQuery
}

/** What the lane runs for one request: its params, the known document, its coerced variables. */
interface LaneCall {
  params: Params
  entry: KnownDocument
  coercedVariables: Record<string, unknown>
}

interface Params {
  query: string
  operationName?: string | null
  variables?: Record<string, unknown> | null
}

/** Distinct documents remembered (their compiled code lives in the jit cache, by document). */
const KNOWN_DOCUMENTS = 500
/**
 * The largest body the lane reads: queries are small, and a larger body goes to yoga unread, to be
 * streamed and refused there (the lane reads a body whole before it knows whether to keep it).
 */
const LANE_MAX_BODY_BYTES = 64 * 1024
const CONTENT_LENGTH = /^\d+$/

export interface LeanLane {
  /** The node request handler: the lane, or yoga. */
  handle(request: IncomingMessage, response: ServerResponse): void
  /** Learns the documents yoga runs (an envelop plugin; add it to yoga's plugins). */
  plugin: Plugin
  /** Requests answered in the lane and handed to yoga so far, and documents known. */
  stats(): { served: number; handedOver: number; documents: number }
}

export function createLeanLane(deps: LeanLaneDeps): LeanLane {
  const known = new LRUCache<string, KnownDocument>({ max: KNOWN_DOCUMENTS })
  let served = 0
  let handedOver = 0
  // The operation name as sent: missing and null are one (the document's only operation), '' is
  // another (a name that names nothing, which yoga refuses).
  const keyOf = (query: string, operationName: string | null | undefined) => `${operationName == null ? '\u0001' : `=${operationName}`}\u0000${query}`

  const learn = (params: Partial<Params> | undefined, document: DocumentNode) => {
    if (typeof params?.query !== 'string') return
    const key = keyOf(params.query, params.operationName)
    if (known.has(key)) return
    const operation = getOperationAST(document, params.operationName)
    // Queries only (a mutation's side effects and the signIn rule stay yoga's), compiled as yoga's jit plugin runs them.
    if (operation?.operation !== 'query') return
    const compiled = deps.compiled(document, params.operationName)
    if (compiled) known.set(key, { document, operation, compiled })
  }

  /**
   * yoga answers. A body already read goes with the request as an async iterable of one chunk:
   * whatwg-node takes a `request.body` it finds instead of the consumed stream (and a Buffer there
   * would cost it a walk over every byte index).
   */
  const handOver = (request: IncomingMessage, response: ServerResponse, body?: Buffer) => {
    if (body) {
      ;(request as IncomingMessage & { body?: unknown }).body = {
        bytes: body.length,
        async *[Symbol.asyncIterator]() {
          yield body
        },
      }
    }
    handedOver++
    deps.yoga(request, response)
  }

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const arrivedAt = process.hrtime.bigint()
    const mediaType = takes(request, Math.min(deps.maxBodyBytes, LANE_MAX_BODY_BYTES))
    if (!mediaType) return handOver(request, response)
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.once('error', () => response.destroy())
    request.once('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
      try {
        const params = paramsOf(body)
        // Known under the exact operation name sent: its operation is the one the entry holds.
        const entry = params && known.get(keyOf(params.query, params.operationName))
        // Refusals that depend on the request alone are yoga's to word; nothing has happened yet.
        if (!params || !entry || unstorableVariables(params.variables)) return handOver(request, response, body)
        const variables = getVariableValues(deps.schema, entry.operation.variableDefinitions ?? [], params.variables ?? {})
        if (variables.errors) return handOver(request, response, body)
        served++
        serve(request, response, { params, entry, coercedVariables: variables.coerced }, mediaType, arrivedAt).catch((error) => {
          deps.log.error({ err: error }, 'lean lane: could not answer')
          response.destroy()
        })
      } catch (error) {
        // Never thrown out of an event listener (that would end the process): yoga gets the request.
        deps.log.error({ err: error }, 'lean lane: could not read the request; yoga answers it')
        if (!response.headersSent) handOver(request, response, body)
      }
    })
  }

  const serve = async (request: IncomingMessage, response: ServerResponse, call: LaneCall, mediaType: string, arrivedAt: bigint) => {
    const { params, entry } = call
    const record = openRequestRecord(header(request, 'x-request-id'), 'POST', '/graphql')
    record.startedAt = arrivedAt
    record.clientAddress = deps.resolveAddress(request.socket.remoteAddress ?? null, header(request, 'x-forwarded-for'))
    nameOperation(record, params.operationName)
    nameOperation(record, entry.operation.name?.value)
    // The client going away ends the deadline, as it does for yoga (whatwg-node aborts the request).
    const client = new AbortController()
    response.once('close', () => {
      if (!response.writableFinished) client.abort()
    })
    await deps.traced(headersOf(request), 'POST', '/graphql', () => inRequest(record, async () => {
      let result: ExecutionResult
      try {
        result = await underDeadline(deps.timeoutMs, client.signal, () => execute(request, call, record))
      } catch (error) {
        // A bug of ours, never the caller's doing: masked, logged, answered.
        result = { errors: [deps.maskError(error, MASKED_MESSAGE) as never] }
      }
      await send(response, record, result, mediaType)
    }))
  }

  const execute = async (request: IncomingMessage, { params, entry, coercedVariables }: LaneCall, record: RequestRecord): Promise<ExecutionResult> => {
    let context: Context
    try {
      context = await deps.contextFor(headersOf(request), { requestId: record.id, clientAddress: record.clientAddress })
    } catch (error) {
      return { errors: [deps.maskError(error, MASKED_MESSAGE) as never] }
    }
    // The operation was found and its variables coerced once, before the lane took the request.
    const prepared = { operation: entry.operation, coercedVariables }
    const run = await deps.meter.begin({ schema: deps.schema, document: entry.document, operationName: params.operationName, variableValues: params.variables, contextValue: context, prepared })
    if (run?.refusal) return run.refusal
    let result = (await entry.compiled.query(undefined, context, params.variables ?? {})) as ExecutionResult
    if (result.errors?.length) result = { ...result, errors: result.errors.map((error) => deps.maskError(error, MASKED_MESSAGE) as never) }
    return run?.finish ? await run.finish(result) : result
  }

  const send = async (response: ServerResponse, record: RequestRecord, result: ExecutionResult, mediaType: string) => {
    const failed = Boolean(result.errors?.length)
    if (failed) deps.contractErrors(result)
    let status: number
    let headers: Record<string, string>
    let body: string
    if (!failed) {
      // yoga's processor, for a result without errors: status and headers from extensions.http, which stays out of the body.
      const http = result.extensions?.http as { status?: number; headers?: Record<string, string> } | undefined
      status = http?.status ?? 200
      headers = { 'content-type': `${mediaType}; charset=utf-8`, ...http?.headers }
      const { http: _, ...extensions } = result.extensions ?? {}
      body = JSON.stringify(http ? { ...result, extensions: Object.keys(extensions).length ? extensions : undefined } : result)
    } else {
      const answer = processRegularResult(result, deps.fetchAPI as FetchAPI, mediaType)
      status = answer.status
      headers = Object.fromEntries(answer.headers)
      body = await answer.text()
    }
    if (!response.destroyed && !response.headersSent) {
      response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)), 'x-request-id': record.id }).end(body)
    }
    writeRequestLine(deps.log, record, status)
    deps.observe(record.operationName, firstErrorCode(result), status, Number(process.hrtime.bigint() - record.startedAt) / 1e9)
    if (record.principal?.keyId) deps.recordUsage(record.principal.businessId, record.principal.keyId, usageOutcome(status, failed))
  }

  return {
    handle,
    stats: () => ({ served, handedOver, documents: known.size }),
    plugin: {
      onExecute({ args }) {
        // yoga keeps the request's params on the context; what runs here passed parsing, validation and the limits.
        learn((args.contextValue as { params?: Partial<Params> }).params, args.document)
      },
    },
  }
}

/** The media type the lane answers in, or null when the request is not one the lane takes. */
function takes(request: IncomingMessage, maxBodyBytes: number): string | null {
  if (request.method !== 'POST' || request.url !== '/graphql') return null
  const headers = request.headers
  // yoga's own test, to the letter (case and spaces matter to it): the first type listed is application/json.
  const type = (headers['content-type'] ?? '').split(',')[0]!
  if (type !== 'application/json' && !type.startsWith('application/json;')) return null
  const length = headers['content-length']
  if (!length || !CONTENT_LENGTH.test(length) || Number(length) === 0 || Number(length) > maxBodyBytes || headers['transfer-encoding']) return null
  // A browser's request: CORS is yoga's. A request without a credential: anonymous limits are yoga's.
  if (headers.origin !== undefined) return null
  if (!headers.authorization?.trim() && !header(request, 'x-api-key')?.trim()) return null
  return mediaTypeOf(headers.accept)
}

/**
 * The media type yoga would answer in, when the client's first preference makes it plain: the
 * first acceptable type listed wins (yoga's order), utf-8 only. Anything less plain goes to yoga.
 */
function mediaTypeOf(accept: string | undefined): string | null {
  if (!accept) return 'application/json'
  const [first, ...parameters] = accept.split(',')[0]!.replace(/\s/g, '').toLowerCase().split(';')
  const charset = parameters.find((parameter) => parameter.includes('charset='))
  if (charset && charset !== 'charset=utf-8') return null
  if (first === 'application/graphql-response+json') return first
  if (first === 'application/json' || first === '*/*' || first === 'application/*') return 'application/json'
  return null
}

/** The body as GraphQL request params, or null when it is anything else (yoga says what is wrong). */
function paramsOf(body: Buffer): Params | null {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    return null
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null
  const { query, operationName, variables, extensions, ...rest } = parsed as Record<string, unknown>
  if (typeof query !== 'string' || Object.keys(rest).length > 0 || extensions != null) return null
  if (operationName != null && typeof operationName !== 'string') return null
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return null
  return parsed as Params
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name]
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
}

/** The request's headers as the Fetch API's `get` reads them (node lower-cases names and joins repeats as yoga sees them). */
const headersOf = (request: IncomingMessage): Pick<Headers, 'get'> => ({ get: (name: string) => header(request, name.toLowerCase()) })
