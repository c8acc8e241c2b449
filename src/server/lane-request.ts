import type { IncomingMessage } from 'node:http'

/**
 * What the lean lane (lean-lane.ts) reads off a request before it takes it: whether it is one it
 * takes at all, the media type it answers in, and the GraphQL params of its body. Anything less
 * plain is left to yoga, which words every refusal.
 */

export interface Params {
  query: string
  operationName?: string | null
  variables?: Record<string, unknown> | null
}

const CONTENT_LENGTH = /^\d+$/

/** The media type the lane answers in, or null when the request is not one the lane takes. */
export function takes(request: IncomingMessage, maxBodyBytes: number): string | null {
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
export function paramsOf(body: Buffer): Params | null {
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

export function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name]
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
}

/** The request's headers as the Fetch API's `get` reads them (node lower-cases names and joins repeats as yoga sees them). */
export const headersOf = (request: IncomingMessage): Pick<Headers, 'get'> => ({ get: (name: string) => header(request, name.toLowerCase()) })
