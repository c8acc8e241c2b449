import { type GraphQLError, getOperationAST, getVariableValues } from 'graphql'
import { type Plugin, isAsyncIterable } from 'graphql-yoga'
import { ErrorCode, badVariable } from '../graphql/errors.js'

/**
 * Codes of a well-formed GraphQL request refused before it ran, for its document or its variables:
 * HTTP 400 for clients that accept application/graphql-response+json, 200 for those that accept only
 * application/json (GraphQL over HTTP; yoga skips errors marked `spec` for the latter).
 */
const REQUEST_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COMPLEX', 'BAD_USER_INPUT'])
/** Every code a response may carry (the contract's list, with yoga's and graphql-js's own names for document errors). */
const CONTRACT_CODES = new Set([...Object.values(ErrorCode), 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'INTERNAL_SERVER_ERROR'])
/**
 * Content types of a GraphQL POST. Form and multipart bodies are refused: no client of Gatehouse
 * needs them (uploads are not part of the API), they are what a cross-site form can send without a
 * preflight, and yoga's parsers for them fail on bad JSON with a masked error.
 */
const GRAPHQL_CONTENT_TYPES = ['application/json', 'application/graphql+json']
/** A header only scripts can set, and only same-origin or after a CORS preflight: proof a GET is not cross-site. */
export const CSRF_HEADER = 'x-gatehouse-csrf'
const CSRF_SAFE_HEADERS = ['authorization', 'x-api-key', CSRF_HEADER]
/** Query-string parameters of a GET that hold JSON. */
const GET_JSON_PARAMETERS = ['variables', 'extensions']
const VARIABLE_ERROR = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)"(?: got invalid value .*? at "([^"]+)")?/s

/**
 * Gives the errors yoga and the executor make themselves the contract's codes and statuses:
 * - a variable whose value does not fit its type is BAD_USER_INPUT naming the variable (or the
 *   path inside it), HTTP 400: the executor reports it with no code at all;
 * - a document refused by the parser, validation or the query limits, or variables that do not
 *   fit, are HTTP 400 to clients accepting application/graphql-response+json and 200 to those
 *   accepting only application/json, as GraphQL over HTTP says; a request that is no GraphQL
 *   request at all (BAD_REQUEST) is 400 (or 405, 413, 415) for everyone;
 * - an operation name that names nothing is BAD_REQUEST (yoga: OPERATION_RESOLUTION_FAILURE), an
 *   operation type the schema lacks (subscriptions) a validation failure, and a POST of a content
 *   type that is no GraphQL request a 415 that says so (yoga: an empty body);
 * - an error with no contract code (graphql-js's own, such as a non-null violation: a bug of ours)
 *   is masked like any unexpected error, and no error carries the parser's `originalError`.
 */
export function useContractErrorCodes(log: { error(details: object, message: string): void }): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      const refuse = (status: number, message: string) =>
        endResponse(
          new Response(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }), {
            status,
            headers: { 'content-type': 'application/json; charset=utf-8' },
          }),
        )
      if (request.method === 'GET') {
        // A cross-site page can make a browser send a GET (an <img>, a link) with its cookies but no
        // custom header: a GET query runs only with a credential header or the CSRF header.
        if (url.searchParams.has('query') && !CSRF_SAFE_HEADERS.some((header) => request.headers.has(header))) {
          return refuse(403, `A GET query needs a credential header (Authorization or X-API-Key) or ${CSRF_HEADER}; or POST it as JSON.`)
        }
        for (const name of GET_JSON_PARAMETERS) {
          const value = url.searchParams.get(name)
          if (value && !isJson(value)) return refuse(400, `The \`${name}\` parameter is not valid JSON.`)
        }
        return
      }
      if (request.method !== 'POST') return
      const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
      if (GRAPHQL_CONTENT_TYPES.includes(type)) return
      refuse(415, `POST a GraphQL request as application/json (this was ${type ? JSON.stringify(type.slice(0, 100)) : 'no content type'}).`)
    },
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          // Variable coercion fails before anything runs: errors and no data at all.
          if (isAsyncIterable(result) || !result.errors || result.data !== undefined) return
          if (!result.errors.some((error) => VARIABLE_ERROR.test(error.message))) return
          // graphql-jit names only the innermost field of a bad nested value; graphql-js's own
          // coercion (run again, on this failure path only) gives the full path inside the variable.
          const operation = getOperationAST(args.document, args.operationName)
          const precise = operation
            ? getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {}).errors
            : undefined
          setResult({ ...result, errors: (precise ?? result.errors).map(recodeVariableError) })
        },
      }
    },
    onResultProcess({ result }) {
      for (const single of Array.isArray(result) ? result : [result]) {
        if (!isAsyncIterable(single)) contractResultErrors(single, log)
      }
    },
  }
}

/**
 * Gives a result's errors their contract codes and HTTP statuses, in place (yoga reads the status
 * from extensions.http, which it strips from the body; `spec` is what makes it answer 200 to
 * application/json). Run on every result before it is written: by the plugin above, and by the
 * lean lane (server/lean-lane.ts).
 */
export function contractResultErrors(result: { errors?: readonly unknown[] }, log: { error(details: object, message: string): void }): void {
  for (const error of result.errors ?? []) {
    normalize(error as GraphQLError & { message: string }, log)
    const extensions = (error as GraphQLError).extensions as Record<string, unknown>
    const http = (extensions.http ?? {}) as Record<string, unknown>
    const code = String(extensions.code)
    if (code === 'BAD_REQUEST') {
      // A more precise refusal (405, 413) keeps its status; only a success status is corrected.
      const status = typeof http.status === 'number' && http.status > 400 ? http.status : 400
      extensions.http = { ...http, status, spec: false }
    } else if (REQUEST_ERROR_CODES.has(code) && (code !== 'BAD_USER_INPUT' || http.status === 400)) {
      // BAD_USER_INPUT only when it refused the variables (400), not a resolver's argument check.
      extensions.http = { ...http, status: 400, spec: true }
    }
  }
}

function recodeVariableError(error: GraphQLError): GraphQLError {
  const match = VARIABLE_ERROR.exec(error.message)
  if (!match) return error
  const [, name, path] = match
  // graphql prints the path inside a variable as `input.lines[2].quantity`; fields are dotted.
  return badVariable(error.message, (path ?? name!).replace(/\[(\d+)\]/g, '.$1'))
}

/** Puts an error that left graphql-js or yoga without a contract code into the contract's terms. */
function normalize(error: GraphQLError & { message: string }, log: { error(details: object, message: string): void }) {
  const extensions = error.extensions as Record<string, unknown>
  delete extensions.originalError
  const code = extensions.code
  if (code === 'OPERATION_RESOLUTION_FAILURE') {
    extensions.code = 'BAD_REQUEST'
  } else if (code === undefined && /^Schema is not configured to execute \w+ operation/.test(error.message)) {
    extensions.code = 'GRAPHQL_VALIDATION_FAILED'
  } else if (typeof code !== 'string' || !CONTRACT_CODES.has(code)) {
    log.error({ message: error.message, path: error.path, code }, 'unexpected error without a contract code')
    // GraphQLError's message is a plain own property: the client sees only the masked one.
    ;(error as { message: string }).message = 'Unexpected error.'
    extensions.code = 'INTERNAL_SERVER_ERROR'
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
