import { GraphQLError } from 'graphql'
import { maskError } from 'graphql-yoga'
import type { Logger } from 'pino'
import { databaseFailure } from '../db/failures.js'
import { isGatehouseError, serviceUnavailable, timedOut } from '../graphql/errors.js'
import { currentRequest } from './request-log.js'

/** The message of every masked error. */
export const MASKED_MESSAGE = 'Unexpected error.'

/**
 * What an error looks like to the caller. Never a stack or an internal message, whatever NODE_ENV
 * says: our own errors carry contract codes and are shown; yoga's refusals of the HTTP request are
 * the caller's (BAD_REQUEST); the database failing is SERVICE_UNAVAILABLE or TIMEOUT (retry, or
 * shorten the query); anything else is masked and logged.
 */
export function contractErrorMasker(log: Logger): (error: unknown, message: string) => Error {
  return (error, message) => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error
    if (isGatehouseError(error) || isGatehouseError(original)) return error as Error
    // yoga's own refusals of the HTTP request (413 REQUEST_ENTITY_TOO_LARGE) are the caller's: BAD_REQUEST, safe to show.
    const status = (error instanceof GraphQLError ? error.extensions?.http : undefined) as { status?: number } | undefined
    if (error instanceof GraphQLError && !error.originalError && status?.status && status.status > 400 && status.status < 500) {
      return new GraphQLError(error.message, { extensions: { code: 'BAD_REQUEST', http: error.extensions.http } })
    }
    const failure = databaseFailure(original)
    if (failure) {
      const where = error instanceof GraphQLError ? { path: error.path, nodes: error.nodes } : {}
      return failure === 'timeout' ? timedOut(where) : serviceUnavailable(where)
    }
    const masked = maskError(error, message, false)
    if (masked !== error) log.error({ err: original, requestId: currentRequest()?.id }, 'unexpected error')
    return masked
  }
}
