import { clientAddressResolver } from './client-address.js'
import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { getOperationAST } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import type { Logger } from 'pino'
import { type Principal, perPrincipal } from '../access/principal.js'
import { describeRequestSpan } from './tracing.js'

/** What the log line of one HTTP request says; filled in as the request goes through the server. */
export interface RequestRecord {
  /** The caller's `x-request-id` when it is a sane token, else a new UUID; echoed in the response. */
  id: string
  method: string
  path: string
  startedAt: bigint
  clientAddress: string | null
  operationName?: string
  /** Ids only, never a credential: `keyId` when the caller used an API key. */
  principal?: { id: string; kind: string; businessId: string; credential: string; keyId?: string }
}

const store = new AsyncLocalStorage<RequestRecord>()
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/
/** Probes hit these every few seconds: their lines are debug, not info. */
const PROBES = new Set(['/health', '/ready'])

/** The request being handled by the current async call chain, if any. */
export function currentRequest(): RequestRecord | undefined {
  return store.getStore()
}

/** Records who the caller is on the current request's log line (ids only, never a credential). */
export function notePrincipal(principal: Principal | null): void {
  const record = store.getStore()
  if (record && principal) record.principal = summaryOf(principal)
}

type PrincipalSummary = NonNullable<RequestRecord['principal']>
/** A principal's summary, made once per principal (a record only reads it). */
const summaryOf = perPrincipal(({ id, kind, businessId, credential }): PrincipalSummary =>
  Object.freeze({ id, kind, businessId, credential: credential.kind, ...(credential.kind === 'api_key' ? { keyId: credential.keyId } : {}) }),
)

/**
 * One structured log line per HTTP request (method, path, status, duration, request id, operation
 * name, principal), and the request id echoed as the `x-request-id` response header. Headers and
 * variables are never logged: they carry credentials and customer data.
 */
export function useRequestLog(log: Logger, options: { trustedProxies?: readonly string[] } = {}): Plugin {
  const resolveAddress = clientAddressResolver(options.trustedProxies ?? [])
  return {
    instrumentation: {
      // Wraps the whole handling of a request, so every hook, resolver and log call inside it can
      // find the request through currentRequest().
      request({ request }, wrapped) {
        const url = new URL(request.url, 'http://localhost')
        return inRequest(openRequestRecord(request.headers.get('x-request-id'), request.method, url.pathname), wrapped)
      },
    },
    onRequest({ request, serverContext }) {
      const record = store.getStore()
      const req = (serverContext as { req?: IncomingMessage }).req
      if (record) record.clientAddress = resolveAddress(req?.socket?.remoteAddress ?? null, request.headers.get('x-forwarded-for'))
    },
    onParams({ params }) {
      const record = store.getStore()
      if (record && params.operationName) record.operationName = bounded(params.operationName)
    },
    // Named from the document as soon as it parses, so refused documents are named too.
    onValidate({ params }) {
      const record = store.getStore()
      const name = getOperationAST(params.documentAST, record?.operationName)?.name?.value
      if (record && name) record.operationName = bounded(name)
    },
    onResponse({ response }) {
      const record = store.getStore()
      if (!record) return
      try {
        response.headers.set('x-request-id', record.id)
      } catch {
        // Some responses have immutable headers; the log line still carries the id.
      }
      writeRequestLine(log, record, response.status)
    },
  }
}

/** A new log record for a request; `requestIdHeader` is the caller's x-request-id, used when it is a sane token. */
export function openRequestRecord(requestIdHeader: string | null | undefined, method: string, path: string): RequestRecord {
  return {
    id: requestIdHeader && REQUEST_ID.test(requestIdHeader) ? requestIdHeader : randomUUID(),
    method,
    path: bounded(path),
    startedAt: process.hrtime.bigint(),
    clientAddress: null,
  }
}

/** Runs the handling of a request with its record as currentRequest(). */
export function inRequest<T>(record: RequestRecord, work: () => T): T {
  return store.run(record, work)
}

/** Names the operation on the record (cut short: the name is the caller's choice). */
export function nameOperation(record: RequestRecord, name: string | null | undefined): void {
  if (name) record.operationName = bounded(name)
}

/** The one log line of a finished request (and the attributes of its trace span, when tracing). */
export function writeRequestLine(log: Logger, record: RequestRecord, status: number): void {
  describeRequestSpan({ status, operationName: record.operationName, requestId: record.id })
  const level = PROBES.has(record.path) && status < 500 ? 'debug' : 'info'
  // Not even built when its level is off (a server logging warnings only, as under load tests).
  if (!log.isLevelEnabled(level)) return
  const line = {
    requestId: record.id,
    method: record.method,
    path: record.path,
    status,
    durationMs: Number((process.hrtime.bigint() - record.startedAt) / 1000n) / 1000,
    operationName: record.operationName,
    principal: record.principal,
    clientAddress: record.clientAddress ?? undefined,
  }
  log[level](line, 'request')
}

/** What the caller chooses (an operation name, a path) enters a log line or a metric label cut short. */
const MAX_LOGGED_CHARACTERS = 100
function bounded(text: string): string {
  return text.length > MAX_LOGGED_CHARACTERS ? `${text.slice(0, MAX_LOGGED_CHARACTERS)}…` : text
}
