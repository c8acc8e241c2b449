import { GraphQLError } from 'graphql'

/**
 * Every error code a client can see (the contract's list). Errors are made only through the
 * helpers below, so a code and its HTTP status always travel together.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFIRMATION_REQUIRED: 'CONFIRMATION_REQUIRED',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  TIMEOUT: 'TIMEOUT',
  BAD_REQUEST: 'BAD_REQUEST',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** One problem with one input field, as reported in `extensions.fields`. */
export interface FieldProblem {
  /** Path of the field in the input, e.g. `input.lines.2.quantity`. */
  field: string
  message: string
}

/** The one message for every credential failure, so a caller cannot probe which keys exist. */
export const UNAUTHENTICATED_MESSAGE = 'Authentication required: send a valid API key or session token.'

function gatehouseError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}, status?: number) {
  return new GraphQLError(message, {
    extensions: { code, ...extensions, ...(status ? { http: { status } } : {}) },
  })
}

/** A refused sign-in: the same words for a wrong email, a wrong password and a deactivated user. */
export const SIGN_IN_REFUSED_MESSAGE = 'Email or password is wrong.'

/**
 * HTTP 401 with the challenges RFC 9110 asks for: Bearer (keys and session tokens) and Basic
 * (the ConnectWise form).
 */
export const unauthenticated = (message = UNAUTHENTICATED_MESSAGE) =>
  new GraphQLError(message, {
    extensions: {
      code: ErrorCode.UNAUTHENTICATED,
      http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="Gatehouse", Basic realm="Gatehouse"' } },
    },
  })

export const forbidden = (message = 'Your security role does not allow this.') =>
  gatehouseError(ErrorCode.FORBIDDEN, message)

/** HTTP 403: a key restricted to some networks, used from elsewhere. The address is the caller's own. */
export const outsideKeyNetworks = (clientAddress: string | null) =>
  gatehouseError(
    ErrorCode.FORBIDDEN,
    `This API key may be used only from the networks an admin allowed for it, and ${clientAddress ?? 'this client\'s address'} is not one of them.`,
    {},
    403,
  )

export const notFound = (what = 'record', field?: string) =>
  gatehouseError(ErrorCode.NOT_FOUND, `No such ${what}.`, field ? { field } : {})

/** The HTTP request is not a GraphQL request Gatehouse runs (HTTP 400). */
export const badRequest = (message: string) => gatehouseError(ErrorCode.BAD_REQUEST, message, {}, 400)

/**
 * The request body is larger than the server takes (HTTP 413). The connection closes after the
 * answer: the rest of the body is never read, so the socket cannot carry another request.
 */
export const bodyTooLarge = (maxBytes: number) =>
  new GraphQLError(`Request body too large: at most ${maxBytes} bytes.`, {
    extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 413, headers: { Connection: 'close' } } },
  })

export const badInput = (message: string, field?: string) =>
  gatehouseError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {})

/** A variable's value does not fit its type: the operation did not run (HTTP 400). */
export const badVariable = (message: string, field: string) =>
  gatehouseError(ErrorCode.BAD_USER_INPUT, message, { field }, 400)

/** Several input problems reported together, each naming its field. */
export const invalidInput = (problems: FieldProblem[]) =>
  gatehouseError(
    ErrorCode.BAD_USER_INPUT,
    problems.length === 1 ? `${problems[0]!.field}: ${problems[0]!.message}` : `${problems.length} input fields are invalid.`,
    { field: problems[0]?.field, fields: problems },
  )

export const conflict = (message: string, extensions: Record<string, unknown> = {}) =>
  gatehouseError(ErrorCode.CONFLICT, message, extensions)

export const confirmationRequired = (message: string) => gatehouseError(ErrorCode.CONFIRMATION_REQUIRED, message)

/** HTTP 429 with a Retry-After header (yoga copies `extensions.http.headers` onto the response). */
export const rateLimited = (retryAfterSeconds: number) =>
  new GraphQLError('Too many requests: slow down.', {
    extensions: {
      code: ErrorCode.RATE_LIMITED,
      retryAfter: retryAfterSeconds,
      http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
    },
  })

/** The document is too deep, too costly, too long or has too many aliases or directives (HTTP 400). */
export const queryTooComplex = (message: string) =>
  gatehouseError(ErrorCode.QUERY_TOO_COMPLEX, message, {}, 400)

/** Seconds a client should wait before retrying after the database was unreachable. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 2

/** HTTP 503 with Retry-After: the database is unreachable; nothing was decided, so the request is safe to retry. */
export const serviceUnavailable = (
  options: { path?: ReadonlyArray<string | number>; nodes?: GraphQLError['nodes']; message?: string } = {},
) =>
  new GraphQLError(options.message ?? 'The database is unreachable right now; retry shortly.', {
    ...options,
    extensions: {
      code: ErrorCode.SERVICE_UNAVAILABLE,
      retryAfter: UNAVAILABLE_RETRY_AFTER_SECONDS,
      http: { status: 503, headers: { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) } },
    },
  })

/**
 * HTTP 504: the request's deadline passed and its running statement was cancelled. A write may or
 * may not have landed; retry it with the same idempotency key (creates) or expectedVersion (edits).
 */
export const timedOut = (options: { path?: ReadonlyArray<string | number>; nodes?: GraphQLError['nodes'] } = {}) =>
  new GraphQLError('The request took longer than its deadline allows and was cancelled.', {
    ...options,
    extensions: { code: ErrorCode.TIMEOUT, http: { status: 504 } },
  })

/** True when the error is one of ours (and so safe to show the client unmasked). */
export function isGatehouseError(error: unknown): error is GraphQLError {
  return (
    error instanceof GraphQLError &&
    Object.values(ErrorCode).includes(error.extensions?.code as ErrorCode)
  )
}
