import { Writable } from 'node:stream'
import pino, { type Logger } from 'pino'
import type { ProbeSpec } from './hostile-probes.js'

/**
 * Sends the probes of test/server/hostile-input.test.ts over HTTP with bounded concurrency,
 * judges each answer against docs/contract.md's error codes, and folds the findings into a
 * deduplicated fix list. The server's log is captured so a masked error shows its real cause.
 */

export const CONTRACT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND',
  'BAD_USER_INPUT', 'CONFIRMATION_REQUIRED', 'CONFLICT', 'RATE_LIMITED', 'QUERY_TOO_COMPLEX', 'SERVICE_UNAVAILABLE', 'TIMEOUT',
])
const DOCUMENT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COMPLEX'])
const SIZE_CODES = ['QUERY_TOO_COMPLEX', 'BAD_REQUEST']

export interface Answer {
  status: number
  text: string
  body: { data?: unknown; errors?: Array<{ message?: string; extensions?: Record<string, any> }> } | null
  requestId: string | null
  failure?: string
}

export interface Expectation {
  codes: Set<string>
  /** An answer with data and no error is a finding. */
  mustReject: boolean
}

/** The codes that fit a probe: document codes for a literal graphql-js refuses, else input codes. */
export function expectationOf(spec: ProbeSpec, refusedByType: boolean, credential: string): Expectation {
  const { at, hostile } = spec
  const size = hostile.giant ? SIZE_CODES : []
  if (refusedByType) {
    return spec.mode === 'literal'
      ? { codes: new Set([...DOCUMENT_CODES, 'BAD_REQUEST']), mustReject: true }
      : { codes: new Set(['BAD_USER_INPUT', ...size]), mustReject: true }
  }
  const codes = new Set(['BAD_USER_INPUT', ...size])
  // A server may refuse a bad literal (a NUL byte, say) in validation, stricter than graphql-js.
  if (spec.mode === 'literal') codes.add('GRAPHQL_VALIDATION_FAILED')
  if (at.shape === 'leaf' && (at.type.name === 'ID' || at.name === 'position' || at.name === 'removeLines')) codes.add('NOT_FOUND')
  if (at.name === 'expectedVersion') codes.add('CONFLICT')
  if (at.name === 'first' || at.name === 'last') codes.add('QUERY_TOO_COMPLEX')
  if (at.name === 'confirm') codes.add('CONFIRMATION_REQUIRED')
  // Sign-in refuses with UNAUTHENTICATED, and once the probes have failed often enough, throttles them.
  if (spec.field === 'signIn') codes.add('UNAUTHENTICATED').add('RATE_LIMITED')
  // node(s) by an id of an admin type (User, Team…): an API key may not read those at all.
  if (credential === 'apiKey' && (spec.field === 'node' || spec.field === 'nodes')) codes.add('FORBIDDEN')
  return { codes, mustReject: spec.root === 'mutation' || (hostile.expect ?? 'reject') === 'reject' }
}

/** `extensions.field` names the probed position or one of its ancestors inside the argument. */
export function fieldFits(field: unknown, path: string[]): boolean {
  if (typeof field !== 'string' || field === '') return false
  const named = field.split('.')
  const startsWith = (a: string[], b: string[]) => b.length <= a.length && b.every((segment, i) => segment === a[i])
  if (path.length > 1 && named.length === 1 && named[0] === path[0]) return false
  return startsWith(path, named) || startsWith(named, path) || startsWith(path.slice(1), named)
}

const shorten = (text: unknown, length = 110) => {
  const flat = String(text ?? '').replace(/\s+/g, ' ')
  return flat.length > length ? `${flat.slice(0, length)}…` : flat
}

export interface Finding {
  /** `HTTP 200 INTERNAL_SERVER_ERROR`, `accepted`, `unfit NOT_FOUND`… */
  problem: string
  detail: string
}

/** Everything wrong with one answer (empty: it fits the contract). */
export function judge(spec: ProbeSpec, refusedByType: boolean, credential: string, answer: Answer, causes: Map<string, string>): Finding[] {
  if (answer.failure) return [{ problem: 'no answer', detail: answer.failure }]
  const findings: Finding[] = []
  const { status, body } = answer
  if (status >= 500) findings.push({ problem: `HTTP ${status}`, detail: shorten(answer.text) })
  if (!body || typeof body !== 'object') return [...findings, { problem: `HTTP ${status} body not JSON`, detail: shorten(answer.text) }]
  const expected = expectationOf(spec, refusedByType, credential)
  const errors = Array.isArray(body.errors) ? body.errors : []
  const cause = answer.requestId && causes.get(answer.requestId) ? ` [cause: ${causes.get(answer.requestId)}]` : ''
  for (const error of errors) {
    const code = error?.extensions?.code as string | undefined
    const message = shorten(error?.message)
    if (!code || !CONTRACT_CODES.has(code)) {
      findings.push({ problem: `HTTP ${status} ${code ?? 'no code'}`, detail: `${message}${cause}` })
    } else if (!expected.codes.has(code)) {
      findings.push({ problem: `HTTP ${status} ${code} (unfit)`, detail: message })
    } else if (code === 'BAD_USER_INPUT' && !fieldFits(error.extensions?.field, spec.at.path)) {
      findings.push({ problem: `BAD_USER_INPUT field ${JSON.stringify(error.extensions?.field ?? null)}`, detail: message })
    } else if (DOCUMENT_CODES.has(code) && status !== 400) {
      findings.push({ problem: `HTTP ${status} for ${code}`, detail: message })
    } else if (refusedByType && spec.mode === 'variable' && code === 'BAD_USER_INPUT' && status !== 400) {
      findings.push({ problem: `HTTP ${status} for a refused variable`, detail: message })
    }
  }
  if (expected.mustReject && errors.length === 0) findings.push({ problem: 'accepted', detail: `HTTP ${status}, no error` })
  return findings
}

export function expectedText(spec: ProbeSpec, refusedByType: boolean, credential: string): string {
  const { codes, mustReject } = expectationOf(spec, refusedByType, credential)
  return `${[...codes].join('|')}${mustReject ? '' : ' or data'}`
}

/** A pino logger whose masked-error lines are kept by request id (`causes`). */
export function causeCapture(): { log: Logger; causes: Map<string, string> } {
  const causes = new Map<string, string>()
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) {
        if (!line.includes('"err"')) continue
        try {
          const entry = JSON.parse(line)
          if (entry.requestId) causes.set(entry.requestId, shorten(entry.err?.message ?? entry.err, 140))
        } catch {
          // not a JSON line: ignore
        }
      }
      done()
    },
  })
  return { log: pino({ level: 'error' }, stream), causes }
}

/** POSTs a raw JSON body to /graphql. */
export async function send(url: string, body: string, headers: Record<string, string>, timeoutMs = 30_000): Promise<Answer> {
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    })
    const text = await response.text()
    let parsed: Answer['body'] = null
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = null
    }
    return { status: response.status, text, body: parsed, requestId: response.headers.get('x-request-id') }
  } catch (error) {
    return { status: 0, text: '', body: null, requestId: null, failure: shorten((error as Error).message) }
  }
}

/** Runs `work` over `items`, at most `concurrency` at a time, results in order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index]!, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane))
  return results
}

export interface Verdict {
  spec: ProbeSpec
  credential: string
  refusedByType: boolean
  findings: Finding[]
}

/**
 * The fix list: one line per root field × position × hostile value × problem, with the modes and
 * credentials it happened with and one example of what came back.
 */
export function fixList(verdicts: readonly Verdict[]): string[] {
  const lines = new Map<string, { modes: Set<string>; credentials: Set<string>; detail: string; expected: Set<string> }>()
  for (const verdict of verdicts) {
    const { spec } = verdict
    for (const finding of verdict.findings) {
      const where = `${spec.field}(${spec.at.path.join('.')})${spec.variant ? ` [${spec.variant}]` : ''}`
      const key = `${where} · ${spec.hostile.label} → ${finding.problem}`
      const line = lines.get(key) ?? { modes: new Set(), credentials: new Set(), detail: finding.detail, expected: new Set() }
      line.modes.add(spec.mode)
      line.credentials.add(verdict.credential)
      line.expected.add(expectedText(spec, verdict.refusedByType, verdict.credential))
      lines.set(key, line)
    }
  }
  return [...lines.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, line]) => `${key} · ${[...line.modes].join('+')} · ${[...line.credentials].join('+')} · "${line.detail}" (expected ${[...line.expected].join(' / ')})`)
}
