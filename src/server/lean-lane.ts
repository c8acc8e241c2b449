import type { IncomingMessage, ServerResponse } from 'node:http'
import { type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode, getOperationAST, getVariableValues } from 'graphql'
import type { CompiledQuery } from 'graphql-jit'
import { type FetchAPI, type Plugin, processRegularResult } from 'graphql-yoga'
import { LRUCache } from 'lru-cache'
import type { Logger } from 'pino'
import type { Context } from '../context.js'
import type { PassThroughInput, PassedThrough } from '../records/read/passthrough.js'
import type { CostMeter } from './cost/metering.js'
import { Deadline } from '../db/deadline.js'
import { underDeadline } from './deadline.js'
import { MASKED_MESSAGE } from './mask-errors.js'
import { firstErrorCode } from './metrics.js'
import { type RequestRecord, inRequest, nameOperation, openRequestRecord, writeRequestLine } from './request-log.js'
import { type Params, header, headersOf, paramsOf, takes } from './lane-request.js'
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
  /** The pass-through read (records/read/passthrough.ts): the data as JSON text and its cost, or null to execute. */
  passThrough?(input: Omit<PassThroughInput, 'schema'>): Promise<PassedThrough | null>
}

/** A result to send, with its data as JSON text in parts when the pass-through answered it. */
interface Answer {
  result: ExecutionResult
  rawData?: readonly string[]
}

/** Stands in for the raw data while the rest of the result is stringified (a NUL never reaches a response unescaped). */
const RAW_DATA = '\u0000gatehouse:data\u0000'
const RAW_DATA_JSON = JSON.stringify(RAW_DATA)

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


/** Distinct documents remembered (their compiled code lives in the jit cache, by document). */
const KNOWN_DOCUMENTS = 500
/**
 * The largest body the lane reads: queries are small, and a larger body goes to yoga unread, to be
 * streamed and refused there (the lane reads a body whole before it knows whether to keep it).
 */
const LANE_MAX_BODY_BYTES = 64 * 1024

export interface LeanLane {
  /** The node request handler: the lane, or yoga. */
  handle(request: IncomingMessage, response: ServerResponse): void
  /** Learns the documents yoga runs (an envelop plugin; add it to yoga's plugins). */
  plugin: Plugin
  /** Requests answered in the lane and handed to yoga so far, and documents known. */
  stats(): { served: number; handedOver: number; documents: number; passedThrough: number }
}

export function createLeanLane(deps: LeanLaneDeps): LeanLane {
  const known = new LRUCache<string, KnownDocument>({ max: KNOWN_DOCUMENTS })
  let served = 0
  let handedOver = 0
  let passedThrough = 0
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
    // The deadline runs from the request's arrival; the client going away passes it, as it does for
    // yoga (whatwg-node aborts the request).
    const deadline = new Deadline(deps.timeoutMs)
    response.once('close', () => {
      if (!response.writableFinished) deadline.abort()
    })
    await deps.traced(headersOf(request), 'POST', '/graphql', () => inRequest(record, async () => {
      let answer: Answer
      try {
        answer = await underDeadline(deadline, () => execute(request, call, record))
      } catch (error) {
        // A bug of ours, never the caller's doing: masked, logged, answered.
        answer = { result: { errors: [deps.maskError(error, MASKED_MESSAGE) as never] } }
      }
      await send(response, record, answer, mediaType)
    }))
  }

  const execute = async (request: IncomingMessage, { params, entry, coercedVariables }: LaneCall, record: RequestRecord): Promise<Answer> => {
    let context: Context
    try {
      context = await deps.contextFor(headersOf(request), { requestId: record.id, clientAddress: record.clientAddress })
    } catch (error) {
      return { result: { errors: [deps.maskError(error, MASKED_MESSAGE) as never] } }
    }
    // The operation was found and its variables coerced once, before the lane took the request.
    const prepared = { operation: entry.operation, coercedVariables }
    const run = await deps.meter.begin({ schema: deps.schema, document: entry.document, operationName: params.operationName, variableValues: params.variables, contextValue: context, prepared })
    if (run?.refusal) return { result: run.refusal }
    const passed = await passThroughOrNull({ document: entry.document, operation: entry.operation, variables: coercedVariables, context })
    if (passed) {
      passedThrough++
      const result: ExecutionResult = { data: RAW_DATA as never }
      return { result: run?.finish ? await run.finish(result, passed.cost) : result, rawData: passed.parts }
    }
    let result = (await entry.compiled.query(undefined, context, params.variables ?? {})) as ExecutionResult
    if (result.errors?.length) result = { ...result, errors: result.errors.map((error) => deps.maskError(error, MASKED_MESSAGE) as never) }
    return { result: run?.finish ? await run.finish(result) : result }
  }

  /** A bug in the pass-through's planner is logged, and execution answers the request instead. */
  const passThroughOrNull = async (input: Omit<PassThroughInput, 'schema'>): Promise<PassedThrough | null> => {
    try {
      return (await deps.passThrough?.(input)) ?? null
    } catch (error) {
      deps.log.error({ err: error }, 'pass-through read failed to plan; executing the request instead')
      return null
    }
  }

  const send = async (response: ServerResponse, record: RequestRecord, { result, rawData }: Answer, mediaType: string) => {
    const failed = Boolean(result.errors?.length)
    if (failed) deps.contractErrors(result)
    let status: number
    let headers: Record<string, string>
    let body: string
    let parts: readonly string[] = []
    if (!failed) {
      // yoga's processor, for a result without errors: status and headers from extensions.http, which stays out of the body.
      const http = result.extensions?.http as { status?: number; headers?: Record<string, string> } | undefined
      status = http?.status ?? 200
      headers = { 'content-type': `${mediaType}; charset=utf-8`, ...http?.headers }
      const { http: _, ...extensions } = result.extensions ?? {}
      body = JSON.stringify(http ? { ...result, extensions: Object.keys(extensions).length ? extensions : undefined } : result)
      if (rawData !== undefined) {
        // `data` is the result's first member, so the first stand-in is the one. The data's parts are
        // written one after the other, never joined: a large page as one string costs a copy and a
        // fresh large allocation per step (the operating system's page faults were most of it).
        const at = body.indexOf(RAW_DATA_JSON)
        // Never without it (finish keeps `data` first); were it lost, no answer beats a scrambled one.
        if (at < 0) throw new Error('lean lane: the pass-through data has no place in the result')
        parts = [body.slice(0, at), ...rawData]
        body = body.slice(at + RAW_DATA_JSON.length)
      }
    } else {
      const answer = processRegularResult(result, deps.fetchAPI as FetchAPI, mediaType)
      status = answer.status
      headers = Object.fromEntries(answer.headers)
      body = await answer.text()
    }
    if (!response.destroyed && !response.headersSent) {
      let length = Buffer.byteLength(body)
      for (const part of parts) length += Buffer.byteLength(part)
      response.writeHead(status, { ...headers, 'content-length': String(length), 'x-request-id': record.id })
      // Corked: the parts leave in one writev, as one string would (end uncorks).
      response.cork()
      for (const part of parts) response.write(part)
      response.end(body)
    }
    writeRequestLine(deps.log, record, status)
    deps.observe(record.operationName, firstErrorCode(result), status, Number(process.hrtime.bigint() - record.startedAt) / 1e9)
    if (record.principal?.keyId) deps.recordUsage(record.principal.businessId, record.principal.keyId, usageOutcome(status, failed))
  }

  return {
    handle,
    stats: () => ({ served, handedOver, documents: known.size, passedThrough }),
    plugin: {
      onExecute({ args }) {
        // yoga keeps the request's params on the context; what runs here passed parsing, validation and the limits.
        learn((args.contextValue as { params?: Partial<Params> }).params, args.document)
      },
    },
  }
}
